package runtime

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"math/big"
	"slices"
	"strings"

	"github.com/dop251/goja"
)

// cryptoKey is a CryptoKey's material; scripts hold a handle to it, valid for their runtime.
type cryptoKey struct {
	Type        string // secret, public, private
	Alg         string // canonical algorithm name
	Hash        string // for HMAC, RSA
	Curve       string // P-256, P-384
	Extractable bool
	Usages      []string
	secret      []byte
	private     any // *ecdsa.PrivateKey, ed25519.PrivateKey, *rsa.PrivateKey
	public      any // *ecdsa.PublicKey, ed25519.PublicKey, *rsa.PublicKey
}

// subtleAlg is the algorithm parameters a script passes, after the prelude normalised them.
type subtleAlg struct {
	Name           string `json:"name"`
	Hash           string `json:"hash"`
	Length         int    `json:"length"`
	NamedCurve     string `json:"namedCurve"`
	IV             []byte `json:"iv"`
	AdditionalData []byte `json:"additionalData"`
	TagLength      int    `json:"tagLength"`
	Salt           []byte `json:"salt"`
	Info           []byte `json:"info"`
	Iterations     int    `json:"iterations"`
	SaltLength     int    `json:"saltLength"`
	Public         int    `json:"public"` // ECDH: handle of the other party's public key
	ModulusLength  int    `json:"modulusLength"`
}

var canonicalAlgs = map[string]string{"HMAC": "HMAC", "AES-GCM": "AES-GCM", "AES-CBC": "AES-CBC", "AES-KW": "AES-KW", "ECDSA": "ECDSA",
	"ECDH": "ECDH", "ED25519": "Ed25519", "NODE-ED25519": "Ed25519", "RSASSA-PKCS1-V1_5": "RSASSA-PKCS1-v1_5", "RSA-PSS": "RSA-PSS",
	"RSA-OAEP": "RSA-OAEP", "PBKDF2": "PBKDF2", "HKDF": "HKDF"}

func hashFunc(name string) (func() hash.Hash, crypto.Hash, error) {
	switch strings.ToUpper(strings.ReplaceAll(name, "-", "")) {
	case "SHA1":
		return sha1.New, crypto.SHA1, nil
	case "SHA256":
		return sha256.New, crypto.SHA256, nil
	case "SHA384":
		return sha512.New384, crypto.SHA384, nil
	case "SHA512":
		return sha512.New, crypto.SHA512, nil
	}
	return nil, 0, fmt.Errorf("NotSupportedError: unrecognized or unsupported hash %q", name)
}

func curve(name string) (elliptic.Curve, ecdh.Curve, int, error) {
	switch name {
	case "P-256":
		return elliptic.P256(), ecdh.P256(), 32, nil
	case "P-384":
		return elliptic.P384(), ecdh.P384(), 48, nil
	case "P-521":
		return elliptic.P521(), ecdh.P521(), 66, nil
	}
	return nil, nil, 0, fmt.Errorf("NotSupportedError: unsupported named curve %q", name)
}

func (n *natives) subtleFail(err error) {
	msg := err.Error()
	name, rest, ok := strings.Cut(msg, ": ")
	if !ok || !strings.HasSuffix(name, "Error") {
		name, rest = "OperationError", msg
	}
	ctor := n.in.vm.Get("DOMException")
	e, cerr := n.in.vm.New(ctor, n.in.vm.ToValue(rest), n.in.vm.ToValue(name))
	if cerr != nil {
		n.throw(msg)
	}
	panic(e)
}

func (n *natives) addKey(k *cryptoKey) map[string]any {
	n.nextKey++
	n.keys[n.nextKey] = k
	alg := map[string]any{"name": k.Alg}
	switch k.Alg {
	case "HMAC":
		alg["hash"] = map[string]any{"name": k.Hash}
		alg["length"] = len(k.secret) * 8
	case "AES-GCM", "AES-CBC", "AES-KW":
		alg["length"] = len(k.secret) * 8
	case "ECDSA", "ECDH":
		alg["namedCurve"] = k.Curve
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		alg["hash"] = map[string]any{"name": k.Hash}
		var pub *rsa.PublicKey
		if p, ok := k.public.(*rsa.PublicKey); ok {
			pub = p
		}
		if pub != nil {
			alg["modulusLength"] = pub.N.BitLen()
			alg["publicExponent"] = n.in.vm.NewArrayBuffer(big.NewInt(int64(pub.E)).Bytes())
		}
	}
	return map[string]any{"handle": n.nextKey, "type": k.Type, "extractable": k.Extractable, "algorithm": alg, "usages": k.Usages}
}

func (n *natives) key(handle int) *cryptoKey {
	k := n.keys[handle]
	if k == nil {
		n.subtleFail(fmt.Errorf("InvalidAccessError: unknown key"))
	}
	return k
}

// keyUsages lists what each kind of key may be used for, by algorithm and key type.
func keyUsages(alg, typ string) []string {
	switch alg {
	case "HMAC":
		return []string{"sign", "verify"}
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		return []string{"encrypt", "decrypt", "wrapKey", "unwrapKey"}
	case "PBKDF2", "HKDF":
		return []string{"deriveKey", "deriveBits"}
	case "ECDH", "X25519":
		if typ == "private" {
			return []string{"deriveKey", "deriveBits"}
		}
		return []string{}
	case "RSA-OAEP":
		if typ == "private" {
			return []string{"decrypt", "unwrapKey"}
		}
		return []string{"encrypt", "wrapKey"}
	}
	if typ == "private" {
		return []string{"sign"}
	}
	return []string{"verify"}
}

// checkUsages refuses usages a key cannot have, and a secret or private key with none, with
// SyntaxError as WebCrypto says.
func (n *natives) checkUsages(k *cryptoKey, usages []string) {
	allowed := keyUsages(k.Alg, k.Type)
	for _, u := range usages {
		if !slices.Contains(allowed, u) {
			n.subtleFail(fmt.Errorf("SyntaxError: usage %q is not valid for a %s %s key", u, k.Type, k.Alg))
		}
	}
	if len(usages) == 0 && k.Type != "public" {
		n.subtleFail(fmt.Errorf("SyntaxError: a %s key needs at least one usage", k.Type))
	}
}

// needAlg refuses an operation named for another algorithm than the key's.
func (n *natives) needAlg(k *cryptoKey, alg subtleAlg) {
	if !strings.EqualFold(alg.Name, k.Alg) {
		n.subtleFail(fmt.Errorf("InvalidAccessError: requested algorithm %q does not match this key's %q", alg.Name, k.Alg))
	}
}

func (n *natives) needUsage(k *cryptoKey, usage string) {
	for _, u := range k.Usages {
		if u == usage {
			return
		}
	}
	n.subtleFail(fmt.Errorf("InvalidAccessError: requested operation %q is not allowed for this key (usages: %s)", usage, strings.Join(k.Usages, ", ")))
}

func parseAlg(raw string) subtleAlg {
	var a subtleAlg
	json.Unmarshal([]byte(raw), &a)
	if c, ok := canonicalAlgs[strings.ToUpper(a.Name)]; ok {
		a.Name = c
	}
	return a
}

type jwk struct {
	Kty string   `json:"kty"`
	Crv string   `json:"crv,omitempty"`
	K   string   `json:"k,omitempty"`
	X   string   `json:"x,omitempty"`
	Y   string   `json:"y,omitempty"`
	D   string   `json:"d,omitempty"`
	N   string   `json:"n,omitempty"`
	E   string   `json:"e,omitempty"`
	P   string   `json:"p,omitempty"`
	Q   string   `json:"q,omitempty"`
	Dp  string   `json:"dp,omitempty"`
	Dq  string   `json:"dq,omitempty"`
	Qi  string   `json:"qi,omitempty"`
	Alg string   `json:"alg,omitempty"`
	Ext bool     `json:"ext"`
	Ops []string `json:"key_ops,omitempty"`
}

var b64u = base64.RawURLEncoding

func b64d(s string) []byte {
	b, err := b64u.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil
	}
	return b
}

func bigFrom(s string) *big.Int { return new(big.Int).SetBytes(b64d(s)) }

// importKey builds key material from raw, jwk, spki or pkcs8 data.
func importKey(format string, data []byte, a subtleAlg) (*cryptoKey, error) {
	k := &cryptoKey{Alg: a.Name, Hash: a.Hash, Curve: a.NamedCurve}
	if _, ok := canonicalAlgs[strings.ToUpper(a.Name)]; !ok && a.Name != "Ed25519" && a.Name != "RSASSA-PKCS1-v1_5" {
		return nil, fmt.Errorf("NotSupportedError: unrecognized key import algorithm %q", a.Name)
	}
	var j jwk
	if format == "jwk" {
		if err := json.Unmarshal(data, &j); err != nil {
			return nil, fmt.Errorf("DataError: invalid JWK: %v", err)
		}
	}
	switch a.Name {
	case "HMAC", "AES-GCM", "AES-CBC", "AES-KW", "PBKDF2", "HKDF":
		k.Type = "secret"
		switch format {
		case "raw":
			k.secret = append([]byte{}, data...)
		case "jwk":
			if j.Kty != "oct" {
				return nil, fmt.Errorf("DataError: JWK kty must be \"oct\" for %s", a.Name)
			}
			k.secret = b64d(j.K)
		default:
			return nil, fmt.Errorf("NotSupportedError: %s keys import from raw or jwk", a.Name)
		}
		if strings.HasPrefix(a.Name, "AES") && len(k.secret) != 16 && len(k.secret) != 24 && len(k.secret) != 32 {
			return nil, fmt.Errorf("DataError: AES keys are 128, 192 or 256 bits, got %d", len(k.secret)*8)
		}
		if a.Name == "HMAC" {
			if _, _, err := hashFunc(a.Hash); err != nil {
				return nil, err
			}
			if len(k.secret) == 0 {
				return nil, fmt.Errorf("DataError: HMAC key data must not be empty")
			}
		}
		return k, nil
	case "ECDSA", "ECDH":
		c, _, size, err := curve(a.NamedCurve)
		if err != nil {
			return nil, err
		}
		switch format {
		case "raw":
			x, y := elliptic.Unmarshal(c, data) //nolint:staticcheck // the uncompressed point form is what WebCrypto's raw is
			if x == nil {
				return nil, fmt.Errorf("DataError: invalid raw EC public key")
			}
			k.Type, k.public = "public", &ecdsa.PublicKey{Curve: c, X: x, Y: y}
		case "spki":
			pub, err := x509.ParsePKIXPublicKey(data)
			p, ok := pub.(*ecdsa.PublicKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("DataError: invalid SPKI EC public key")
			}
			k.Type, k.public = "public", p
		case "pkcs8":
			priv, err := x509.ParsePKCS8PrivateKey(data)
			p, ok := priv.(*ecdsa.PrivateKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("DataError: invalid PKCS#8 EC private key")
			}
			k.Type, k.private, k.public = "private", p, &p.PublicKey
		case "jwk":
			if j.Kty != "EC" || j.Crv != a.NamedCurve {
				return nil, fmt.Errorf("DataError: JWK is not an EC key on %s", a.NamedCurve)
			}
			pub := &ecdsa.PublicKey{Curve: c, X: bigFrom(j.X), Y: bigFrom(j.Y)}
			k.Type, k.public = "public", pub
			if j.D != "" {
				k.Type, k.private = "private", &ecdsa.PrivateKey{PublicKey: *pub, D: bigFrom(j.D)}
			}
		default:
			return nil, fmt.Errorf("NotSupportedError: unsupported format %q", format)
		}
		_ = size
		return k, nil
	case "Ed25519":
		switch format {
		case "raw":
			if len(data) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("DataError: Ed25519 raw public keys are 32 bytes")
			}
			k.Type, k.public = "public", ed25519.PublicKey(append([]byte{}, data...))
		case "spki":
			pub, err := x509.ParsePKIXPublicKey(data)
			p, ok := pub.(ed25519.PublicKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("DataError: invalid SPKI Ed25519 key")
			}
			k.Type, k.public = "public", p
		case "pkcs8":
			priv, err := x509.ParsePKCS8PrivateKey(data)
			p, ok := priv.(ed25519.PrivateKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("DataError: invalid PKCS#8 Ed25519 key")
			}
			k.Type, k.private, k.public = "private", p, p.Public()
		case "jwk":
			if j.Kty != "OKP" || j.Crv != "Ed25519" {
				return nil, fmt.Errorf("DataError: JWK is not an Ed25519 key")
			}
			k.Type, k.public = "public", ed25519.PublicKey(b64d(j.X))
			if j.D != "" {
				p := ed25519.NewKeyFromSeed(b64d(j.D))
				k.Type, k.private = "private", p
			}
		default:
			return nil, fmt.Errorf("NotSupportedError: unsupported format %q", format)
		}
		return k, nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		if _, _, err := hashFunc(a.Hash); err != nil {
			return nil, err
		}
		switch format {
		case "spki":
			pub, err := x509.ParsePKIXPublicKey(data)
			p, ok := pub.(*rsa.PublicKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("DataError: invalid SPKI RSA key")
			}
			k.Type, k.public = "public", p
		case "pkcs8":
			priv, err := x509.ParsePKCS8PrivateKey(data)
			p, ok := priv.(*rsa.PrivateKey)
			if err != nil || !ok {
				return nil, fmt.Errorf("DataError: invalid PKCS#8 RSA key")
			}
			k.Type, k.private, k.public = "private", p, &p.PublicKey
		case "jwk":
			if j.Kty != "RSA" {
				return nil, fmt.Errorf("DataError: JWK is not an RSA key")
			}
			pub := &rsa.PublicKey{N: bigFrom(j.N), E: int(bigFrom(j.E).Int64())}
			k.Type, k.public = "public", pub
			if j.D != "" {
				p := &rsa.PrivateKey{PublicKey: *pub, D: bigFrom(j.D), Primes: []*big.Int{bigFrom(j.P), bigFrom(j.Q)}}
				if err := p.Validate(); err != nil {
					return nil, fmt.Errorf("DataError: invalid RSA private key: %v", err)
				}
				p.Precompute()
				k.Type, k.private = "private", p
			}
		default:
			return nil, fmt.Errorf("NotSupportedError: unsupported format %q", format)
		}
		return k, nil
	}
	return nil, fmt.Errorf("NotSupportedError: unrecognized algorithm %q", a.Name)
}

func (n *natives) subtleNatives(set func(string, any)) {
	set("cryptoImport", func(format string, data goja.Value, alg string, extractable bool, usages []string) map[string]any {
		var raw []byte
		if format == "jwk" {
			raw = []byte(data.String())
		} else {
			ab, ok := data.Export().(goja.ArrayBuffer)
			if !ok {
				n.subtleFail(fmt.Errorf("TypeError: key data must be a BufferSource"))
			}
			raw = ab.Bytes()
		}
		k, err := importKey(format, raw, parseAlg(alg))
		if err != nil {
			n.subtleFail(err)
		}
		n.checkUsages(k, usages)
		k.Extractable, k.Usages = extractable, usages
		return n.addKey(k)
	})
	set("cryptoGenerate", func(alg string, extractable bool, usages []string) map[string]any {
		a := parseAlg(alg)
		k, pub, err := generateKey(a)
		if err != nil {
			n.subtleFail(err)
		}
		if len(usages) == 0 {
			n.subtleFail(fmt.Errorf("SyntaxError: usages must not be empty"))
		}
		if pub == nil {
			n.checkUsages(k, usages)
			k.Extractable, k.Usages = extractable, usages
			return n.addKey(k)
		}
		k.Extractable = extractable
		pub.Extractable = true
		for _, u := range usages {
			if u == "verify" || u == "encrypt" || u == "wrapKey" {
				pub.Usages = append(pub.Usages, u)
			} else {
				k.Usages = append(k.Usages, u)
			}
		}
		if pub.Usages == nil {
			pub.Usages = []string{}
		}
		return map[string]any{"publicKey": n.addKey(pub), "privateKey": n.addKey(k)}
	})
	set("cryptoSign", func(handle int, alg string, data goja.ArrayBuffer) goja.ArrayBuffer {
		k := n.key(handle)
		n.needAlg(k, parseAlg(alg))
		n.needUsage(k, "sign")
		sig, err := sign(k, parseAlg(alg), data.Bytes())
		if err != nil {
			n.subtleFail(err)
		}
		return n.in.vm.NewArrayBuffer(sig)
	})
	set("cryptoVerify", func(handle int, alg string, sig, data goja.ArrayBuffer) bool {
		k := n.key(handle)
		n.needAlg(k, parseAlg(alg))
		n.needUsage(k, "verify")
		ok, err := verify(k, parseAlg(alg), sig.Bytes(), data.Bytes())
		if err != nil {
			n.subtleFail(err)
		}
		return ok
	})
	set("cryptoEncrypt", func(handle int, alg string, data goja.ArrayBuffer, decrypt bool) goja.ArrayBuffer {
		k := n.key(handle)
		usage := "encrypt"
		if decrypt {
			usage = "decrypt"
		}
		n.needUsage(k, usage)
		out, err := aesCrypt(k, parseAlg(alg), data.Bytes(), decrypt)
		if err != nil {
			n.subtleFail(err)
		}
		return n.in.vm.NewArrayBuffer(out)
	})
	set("cryptoDeriveBits", func(handle int, alg string, length int) goja.ArrayBuffer {
		k := n.key(handle)
		a := parseAlg(alg)
		if !hasUsage(k, "deriveBits") && !hasUsage(k, "deriveKey") {
			n.subtleFail(fmt.Errorf("InvalidAccessError: key usages do not include deriveBits or deriveKey"))
		}
		var other *cryptoKey
		if a.Name == "ECDH" {
			other = n.key(a.Public)
		}
		out, err := deriveBits(k, a, other, length)
		if err != nil {
			n.subtleFail(err)
		}
		return n.in.vm.NewArrayBuffer(out)
	})
	set("cryptoExport", func(handle int, format string) goja.Value {
		k := n.key(handle)
		if !k.Extractable {
			n.subtleFail(fmt.Errorf("InvalidAccessError: key is not extractable"))
		}
		out, isJSON, err := exportKey(k, format)
		if err != nil {
			n.subtleFail(err)
		}
		if isJSON {
			return n.in.vm.ToValue(string(out))
		}
		return n.in.vm.ToValue(n.in.vm.NewArrayBuffer(out))
	})
}

func hasUsage(k *cryptoKey, u string) bool {
	for _, x := range k.Usages {
		if x == u {
			return true
		}
	}
	return false
}

func generateKey(a subtleAlg) (key, pub *cryptoKey, err error) {
	switch a.Name {
	case "HMAC":
		h, _, err := hashFunc(a.Hash)
		if err != nil {
			return nil, nil, err
		}
		size := a.Length / 8
		if size == 0 {
			size = h().BlockSize()
		}
		b := make([]byte, size)
		rand.Read(b)
		return &cryptoKey{Type: "secret", Alg: "HMAC", Hash: a.Hash, secret: b}, nil, nil
	case "AES-GCM", "AES-CBC", "AES-KW":
		if a.Length != 128 && a.Length != 192 && a.Length != 256 {
			return nil, nil, fmt.Errorf("OperationError: AES key length must be 128, 192 or 256")
		}
		b := make([]byte, a.Length/8)
		rand.Read(b)
		return &cryptoKey{Type: "secret", Alg: a.Name, secret: b}, nil, nil
	case "ECDSA", "ECDH":
		c, _, _, err := curve(a.NamedCurve)
		if err != nil {
			return nil, nil, err
		}
		p, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		return &cryptoKey{Type: "private", Alg: a.Name, Curve: a.NamedCurve, private: p, public: &p.PublicKey},
			&cryptoKey{Type: "public", Alg: a.Name, Curve: a.NamedCurve, public: &p.PublicKey}, nil
	case "Ed25519":
		pubKey, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		return &cryptoKey{Type: "private", Alg: "Ed25519", private: priv, public: pubKey}, &cryptoKey{Type: "public", Alg: "Ed25519", public: pubKey}, nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP":
		bits := a.ModulusLength
		if bits < 1024 || bits > 4096 {
			return nil, nil, fmt.Errorf("OperationError: modulusLength must be between 1024 and 4096")
		}
		p, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, nil, err
		}
		return &cryptoKey{Type: "private", Alg: a.Name, Hash: a.Hash, private: p, public: &p.PublicKey},
			&cryptoKey{Type: "public", Alg: a.Name, Hash: a.Hash, public: &p.PublicKey}, nil
	}
	return nil, nil, fmt.Errorf("NotSupportedError: unrecognized key generation algorithm %q", a.Name)
}

func digestOf(hashName string, data []byte) ([]byte, crypto.Hash, error) {
	h, ch, err := hashFunc(hashName)
	if err != nil {
		return nil, 0, err
	}
	d := h()
	d.Write(data)
	return d.Sum(nil), ch, nil
}

func sign(k *cryptoKey, a subtleAlg, data []byte) ([]byte, error) {
	switch k.Alg {
	case "HMAC":
		h, _, err := hashFunc(k.Hash)
		if err != nil {
			return nil, err
		}
		m := hmac.New(h, k.secret)
		m.Write(data)
		return m.Sum(nil), nil
	case "ECDSA":
		p, ok := k.private.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("InvalidAccessError: ECDSA signing needs a private key")
		}
		d, _, err := digestOf(a.Hash, data)
		if err != nil {
			return nil, err
		}
		r, s, err := ecdsa.Sign(rand.Reader, p, d)
		if err != nil {
			return nil, err
		}
		size := (p.Curve.Params().BitSize + 7) / 8
		sig := make([]byte, 2*size) // IEEE P1363 r||s, as WebCrypto returns
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
		return sig, nil
	case "Ed25519":
		p, ok := k.private.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("InvalidAccessError: Ed25519 signing needs a private key")
		}
		return ed25519.Sign(p, data), nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS":
		p, ok := k.private.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("InvalidAccessError: RSA signing needs a private key")
		}
		d, ch, err := digestOf(k.Hash, data)
		if err != nil {
			return nil, err
		}
		if k.Alg == "RSA-PSS" {
			return rsa.SignPSS(rand.Reader, p, ch, d, &rsa.PSSOptions{SaltLength: a.SaltLength})
		}
		return rsa.SignPKCS1v15(rand.Reader, p, ch, d)
	}
	return nil, fmt.Errorf("InvalidAccessError: %s keys cannot sign", k.Alg)
}

func verify(k *cryptoKey, a subtleAlg, sig, data []byte) (bool, error) {
	switch k.Alg {
	case "HMAC":
		want, err := sign(k, a, data)
		if err != nil {
			return false, err
		}
		return hmac.Equal(want, sig), nil
	case "ECDSA":
		p, ok := k.public.(*ecdsa.PublicKey)
		if !ok {
			return false, fmt.Errorf("InvalidAccessError: not an ECDSA key")
		}
		d, _, err := digestOf(a.Hash, data)
		if err != nil {
			return false, err
		}
		size := (p.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false, nil
		}
		return ecdsa.Verify(p, d, new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])), nil
	case "Ed25519":
		p, ok := k.public.(ed25519.PublicKey)
		if !ok {
			return false, fmt.Errorf("InvalidAccessError: not an Ed25519 key")
		}
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(p, data, sig), nil
	case "RSASSA-PKCS1-v1_5", "RSA-PSS":
		p, ok := k.public.(*rsa.PublicKey)
		if !ok {
			return false, fmt.Errorf("InvalidAccessError: not an RSA key")
		}
		d, ch, err := digestOf(k.Hash, data)
		if err != nil {
			return false, err
		}
		if k.Alg == "RSA-PSS" {
			return rsa.VerifyPSS(p, ch, d, sig, &rsa.PSSOptions{SaltLength: a.SaltLength}) == nil, nil
		}
		return rsa.VerifyPKCS1v15(p, ch, d, sig) == nil, nil
	}
	return false, fmt.Errorf("InvalidAccessError: %s keys cannot verify", k.Alg)
}

func aesCrypt(k *cryptoKey, a subtleAlg, data []byte, decrypt bool) ([]byte, error) {
	block, err := aes.NewCipher(k.secret)
	if err != nil {
		return nil, fmt.Errorf("OperationError: %v", err)
	}
	switch k.Alg {
	case "AES-GCM":
		tag := a.TagLength / 8
		if tag == 0 {
			tag = 16
		}
		g, err := cipher.NewGCMWithNonceSize(block, len(a.IV))
		if tag != 16 {
			g, err = cipher.NewGCMWithTagSize(block, tag)
		}
		if err != nil || len(a.IV) == 0 {
			return nil, fmt.Errorf("OperationError: invalid AES-GCM parameters")
		}
		if decrypt {
			out, err := g.Open(nil, a.IV, data, a.AdditionalData)
			if err != nil {
				return nil, fmt.Errorf("OperationError: Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason.")
			}
			return out, nil
		}
		return g.Seal(nil, a.IV, data, a.AdditionalData), nil
	case "AES-CBC":
		if len(a.IV) != aes.BlockSize {
			return nil, fmt.Errorf("OperationError: AES-CBC iv must be 16 bytes")
		}
		if decrypt {
			if len(data)%aes.BlockSize != 0 || len(data) == 0 {
				return nil, fmt.Errorf("OperationError: Decryption failed")
			}
			out := make([]byte, len(data))
			cipher.NewCBCDecrypter(block, a.IV).CryptBlocks(out, data)
			pad := int(out[len(out)-1])
			if pad == 0 || pad > aes.BlockSize || pad > len(out) {
				return nil, fmt.Errorf("OperationError: Decryption failed")
			}
			for _, b := range out[len(out)-pad:] {
				if int(b) != pad {
					return nil, fmt.Errorf("OperationError: Decryption failed")
				}
			}
			return out[:len(out)-pad], nil
		}
		pad := aes.BlockSize - len(data)%aes.BlockSize
		in := append(append([]byte{}, data...), bytesRepeat(byte(pad), pad)...)
		out := make([]byte, len(in))
		cipher.NewCBCEncrypter(block, a.IV).CryptBlocks(out, in)
		return out, nil
	}
	return nil, fmt.Errorf("InvalidAccessError: %s keys cannot encrypt", k.Alg)
}

func bytesRepeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func deriveBits(k *cryptoKey, a subtleAlg, other *cryptoKey, length int) ([]byte, error) {
	switch k.Alg {
	case "PBKDF2":
		h, _, err := hashFunc(a.Hash)
		if err != nil {
			return nil, err
		}
		if length <= 0 || length%8 != 0 || a.Iterations <= 0 {
			return nil, fmt.Errorf("OperationError: PBKDF2 needs iterations > 0 and a length that is a positive multiple of 8")
		}
		return pbkdf2.Key(h, string(k.secret), a.Salt, a.Iterations, length/8)
	case "HKDF":
		h, _, err := hashFunc(a.Hash)
		if err != nil {
			return nil, err
		}
		if length <= 0 || length%8 != 0 {
			return nil, fmt.Errorf("OperationError: HKDF length must be a positive multiple of 8")
		}
		return hkdf.Key(h, k.secret, a.Salt, string(a.Info), length/8)
	case "ECDH":
		p, ok := k.private.(*ecdsa.PrivateKey)
		if !ok || other == nil {
			return nil, fmt.Errorf("InvalidAccessError: ECDH needs a private key and the other party's public key")
		}
		q, ok := other.public.(*ecdsa.PublicKey)
		if !ok || other.Curve != k.Curve {
			return nil, fmt.Errorf("InvalidAccessError: the public key is not an ECDH key on %s", k.Curve)
		}
		priv, err := p.ECDH()
		if err != nil {
			return nil, err
		}
		pub, err := q.ECDH()
		if err != nil {
			return nil, err
		}
		secret, err := priv.ECDH(pub)
		if err != nil {
			return nil, err
		}
		if length > 0 {
			if length > len(secret)*8 {
				return nil, fmt.Errorf("OperationError: length exceeds the shared secret")
			}
			secret = secret[:length/8]
		}
		return secret, nil
	}
	return nil, fmt.Errorf("InvalidAccessError: %s keys cannot derive bits", k.Alg)
}

func exportKey(k *cryptoKey, format string) ([]byte, bool, error) {
	switch format {
	case "raw":
		switch {
		case k.secret != nil:
			return append([]byte{}, k.secret...), false, nil
		case k.Type == "public":
			switch p := k.public.(type) {
			case *ecdsa.PublicKey:
				return elliptic.Marshal(p.Curve, p.X, p.Y), false, nil //nolint:staticcheck // WebCrypto's raw EC form
			case ed25519.PublicKey:
				return append([]byte{}, p...), false, nil
			}
		}
	case "spki":
		if k.Type == "public" || k.Type == "private" {
			b, err := x509.MarshalPKIXPublicKey(k.public)
			return b, false, err
		}
	case "pkcs8":
		if k.Type == "private" {
			b, err := x509.MarshalPKCS8PrivateKey(k.private)
			return b, false, err
		}
	case "jwk":
		j := jwk{Ext: true, Ops: k.Usages, Alg: jwkAlg(k)}
		switch {
		case k.secret != nil:
			j.Kty, j.K = "oct", b64u.EncodeToString(k.secret)
		default:
			switch p := k.public.(type) {
			case *ecdsa.PublicKey:
				size := (p.Curve.Params().BitSize + 7) / 8
				j.Kty, j.Crv = "EC", k.Curve
				j.X, j.Y = b64u.EncodeToString(p.X.FillBytes(make([]byte, size))), b64u.EncodeToString(p.Y.FillBytes(make([]byte, size)))
				if priv, ok := k.private.(*ecdsa.PrivateKey); ok && k.Type == "private" {
					j.D = b64u.EncodeToString(priv.D.FillBytes(make([]byte, size)))
				}
			case ed25519.PublicKey:
				j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64u.EncodeToString(p)
				if priv, ok := k.private.(ed25519.PrivateKey); ok && k.Type == "private" {
					j.D = b64u.EncodeToString(priv.Seed())
				}
			case *rsa.PublicKey:
				j.Kty, j.N, j.E = "RSA", b64u.EncodeToString(p.N.Bytes()), b64u.EncodeToString(big.NewInt(int64(p.E)).Bytes())
			}
		}
		b, err := json.Marshal(j)
		return b, true, err
	}
	return nil, false, fmt.Errorf("NotSupportedError: cannot export a %s %s key as %s", k.Type, k.Alg, format)
}

// jwkAlg is the JWK "alg" WebCrypto writes for a key.
func jwkAlg(k *cryptoKey) string {
	hashBits := strings.TrimPrefix(strings.ToUpper(strings.ReplaceAll(k.Hash, "-", "")), "SHA")
	switch k.Alg {
	case "HMAC":
		if hashBits == "1" {
			return "HS1"
		}
		return "HS" + hashBits
	case "AES-GCM":
		return fmt.Sprintf("A%dGCM", len(k.secret)*8)
	case "AES-CBC":
		return fmt.Sprintf("A%dCBC", len(k.secret)*8)
	case "AES-KW":
		return fmt.Sprintf("A%dKW", len(k.secret)*8)
	case "ECDSA":
		return map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[k.Curve]
	case "Ed25519":
		return "EdDSA"
	case "RSASSA-PKCS1-v1_5":
		return "RS" + hashBits
	case "RSA-PSS":
		return "PS" + hashBits
	}
	return ""
}

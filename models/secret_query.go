package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// maxSecretBytes is Cloudflare's limit on one secret's value.
const maxSecretBytes = 5 << 10

// SecretInfo describes a secret without its value.
type SecretInfo struct {
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (s *Store) seal(name, value string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("models: secret nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, []byte(value), []byte("weft-secret:"+name)), nil
}

func (s *Store) open(sv SecretValue) (string, error) {
	n := s.aead.NonceSize()
	if len(sv.Ciphertext) < n {
		return "", fmt.Errorf("models: secret %s: ciphertext too short", sv.Name)
	}
	plain, err := s.aead.Open(nil, sv.Ciphertext[:n], sv.Ciphertext[n:], []byte("weft-secret:"+sv.Name))
	if err != nil {
		return "", fmt.Errorf("models: secret %s cannot be decrypted (wrong WEFT_SECRET_KEY?): %w", sv.Name, err)
	}
	return string(plain), nil
}

// PutSecret sets a secret. With a live version it creates and deploys a new version (triggered by "secret").
func (s *Store) PutSecret(ctx context.Context, a Actor, service, env, name, value string) (*UploadResult, error) {
	if err := ValidateBindingName("secret", name); err != nil {
		return nil, err
	}
	if len(value) > maxSecretBytes {
		return nil, Errorf(EINVALID, "secret %s is %d bytes (at most %d)", name, len(value), maxSecretBytes)
	}
	sealed, err := s.seal(name, value)
	if err != nil {
		return nil, err
	}
	res := &UploadResult{}
	err = s.write(ctx, func(tx *gorm.DB) error {
		svc, e, err := ensureEnv(tx, a, service, env)
		if err != nil {
			return err
		}
		sv := SecretValue{EnvironmentID: e.ID, Name: name, Ciphertext: sealed}
		if err := tx.Create(&sv).Error; err != nil {
			return fmt.Errorf("models: store secret: %w", err)
		}
		existed := false
		res.Version, res.Deployment, err = applySettings(tx, a, svc, e, "secret", "Secret "+name+" set", func(st *Settings) error {
			for _, v := range st.Vars {
				if v.Name == name {
					return Errorf(ECONFLICT, "%s is already a variable of %s/%s; remove the variable first", name, service, env)
				}
			}
			for _, r := range st.Secrets {
				existed = existed || r.Name == name
			}
			*st = st.withSecret(name, sv.ID)
			return nil
		})
		if err != nil {
			return err
		}
		before := "absent"
		if existed {
			before = "set"
		}
		return audit(tx, a, "secret.put", service, env, "secret "+service+"/"+env+"/"+name, before, "set (value hidden)")
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// DeleteSecret removes a secret from the environment's next version. Earlier versions keep theirs, so a
// rollback can restore it.
func (s *Store) DeleteSecret(ctx context.Context, a Actor, service, env, name string) (*UploadResult, error) {
	res := &UploadResult{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		svc, e, err := findEnv(tx, service, env)
		if err != nil {
			return err
		}
		res.Version, res.Deployment, err = applySettings(tx, a, svc, e, "secret", "Secret "+name+" deleted", func(st *Settings) error {
			for _, r := range st.Secrets {
				if r.Name == name {
					*st = st.withSecret(name, 0)
					return nil
				}
			}
			return Errorf(ENOTFOUND, "secret %q of %s/%s not found", name, service, env)
		})
		if err != nil {
			return err
		}
		return audit(tx, a, "secret.delete", service, env, "secret "+service+"/"+env+"/"+name, "set", "deleted")
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ListSecrets returns the names of the environment's current secrets.
func (s *Store) ListSecrets(ctx context.Context, service, env string) ([]SecretInfo, error) {
	db := s.read(ctx)
	_, e, err := findEnv(db, service, env)
	if err != nil {
		return nil, err
	}
	cur, err := currentSettings(db, e)
	if err != nil {
		return nil, err
	}
	out := []SecretInfo{}
	for _, r := range cur.Secrets {
		var sv SecretValue
		if err := db.Select("id", "created_at").First(&sv, r.ValueID).Error; err != nil {
			return nil, fmt.Errorf("models: secret %s: %w", r.Name, err)
		}
		out = append(out, SecretInfo{Name: r.Name, Type: "secret_text", UpdatedAt: sv.CreatedAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// SecretValues decrypts the secrets a version refers to, for the runtime only.
func (s *Store) SecretValues(ctx context.Context, refs []SecretRef) (map[string]string, error) {
	out := make(map[string]string, len(refs))
	for _, r := range refs {
		var sv SecretValue
		if err := s.read(ctx).First(&sv, r.ValueID).Error; err != nil {
			return nil, fmt.Errorf("models: secret %s: %w", r.Name, err)
		}
		plain, err := s.open(sv)
		if err != nil {
			return nil, err
		}
		out[r.Name] = plain
	}
	return out, nil
}

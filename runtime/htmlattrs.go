package runtime

import (
	"unicode/utf8"
)

// A start tag's attributes as written. Go's tokenizer gives attribute values with their character
// references decoded, while Workers' HTMLRewriter (lol-html) gives them as written and, when a
// handler changes an element, writes its untouched attributes back byte for byte. scanTagAttrs
// re-reads the tag's raw text to find them, taking the same path through it as x/net/html's
// tokenizer, so it finds the same attributes (TestScanTagAttrsAgreesWithTheTokenizer).

// tagAttr is one attribute of a start tag.
type tagAttr struct {
	name  string // lowercased, as the tokenizer gives it
	value string // as written, between its quotes if any
	// raw[start:end] is the attribute as written, from its name to the end of its value (with the
	// closing quote), in UTF-16 code units: the script slices the tag's raw text, a JavaScript string.
	start, end int
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// scanTagAttrs returns the attributes of the start tag raw ("<name …>"), keeping the first of
// attributes with the same name.
func scanTagAttrs(raw []byte) []tagAttr {
	var attrs []tagAttr
	i, n := 1, len(raw)
	for i < n && !isHTMLSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' { // the tag's name
		i++
	}
	skipSpace := func() {
		for i < n && isHTMLSpace(raw[i]) {
			i++
		}
	}
	units := utf16Offsets(raw)
	for skipSpace(); i < n && raw[i] != '>'; skipSpace() {
		keyStart := i
		for i < n { // a name may start with "=", which is then part of it
			if c := raw[i]; (c == '=' && i > keyStart) || isHTMLSpace(c) || c == '/' || c == '>' {
				break
			}
			i++
		}
		keyEnd := i
		valStart, valEnd, end := i, i, i
		skipSpace()
		switch {
		case i >= n:
		case raw[i] == '/': // between attributes, or before the closing "/>"
			i++
		case raw[i] != '=':
		default:
			i++
			skipSpace()
			switch {
			case i >= n, raw[i] == '>':
			case raw[i] == '"' || raw[i] == '\'':
				quote := raw[i]
				i++
				valStart = i
				for i < n && raw[i] != quote {
					i++
				}
				valEnd = i
				if i < n {
					i++
				}
				end = i
			default:
				valStart = i
				for i < n && !isHTMLSpace(raw[i]) && raw[i] != '>' {
					i++
				}
				valEnd, end = i, i
			}
		}
		if keyStart == keyEnd {
			continue
		}
		name := lowerASCII(raw[keyStart:keyEnd])
		if hasAttr(attrs, name) {
			continue
		}
		attrs = append(attrs, tagAttr{name: name, value: string(raw[valStart:valEnd]), start: units(keyStart), end: units(end)})
	}
	return attrs
}

func hasAttr(attrs []tagAttr, name string) bool {
	for _, a := range attrs {
		if a.name == name {
			return true
		}
	}
	return false
}

// lowerASCII lowercases A–Z only, byte by byte, as the tokenizer does.
func lowerASCII(b []byte) string {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			out := []byte(string(b))
			for j := i; j < len(out); j++ {
				if 'A' <= out[j] && out[j] <= 'Z' {
					out[j] += 'a' - 'A'
				}
			}
			return string(out)
		}
	}
	return string(b)
}

// utf16Offsets converts byte offsets into s to UTF-16 offsets, for offsets taken in increasing order.
func utf16Offsets(s []byte) func(int) int {
	ascii := true
	for _, c := range s {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return func(i int) int { return i }
	}
	at, units := 0, 0
	return func(i int) int {
		for at < i {
			r, size := utf8.DecodeRune(s[at:])
			at += size
			units++
			if r >= 0x10000 {
				units++ // a surrogate pair
			}
		}
		return units
	}
}

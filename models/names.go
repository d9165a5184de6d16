package models

import "regexp"

// Names become DNS labels in hostnames (<env>.<service>.<domain>), so they follow RFC 1123 label rules.
var nameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidateName checks a service or environment name.
func ValidateName(kind, name string) error {
	if name == "" {
		return Errorf(EINVALID, "%s name is required", kind)
	}
	if !nameRe.MatchString(name) {
		return Errorf(EINVALID, "invalid %s name %q: use 1-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit", kind, name)
	}
	if kind == "environment" && versionLabelRe.MatchString(name) {
		return Errorf(EINVALID, "invalid environment name %q: names of the form v<number> are reserved for version preview hostnames", name)
	}
	return nil
}

var versionLabelRe = regexp.MustCompile(`^v[0-9]+$`)

// bindingNameRe matches JavaScript identifiers usable as env.NAME.
var bindingNameRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// ValidateBindingName checks a variable, secret or binding name.
func ValidateBindingName(kind, name string) error {
	if !bindingNameRe.MatchString(name) || len(name) > 128 {
		return Errorf(EINVALID, "invalid %s name %q: use a JavaScript identifier (letters, digits, _ and $, not starting with a digit)", kind, name)
	}
	return nil
}

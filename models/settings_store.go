package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// storedSettings is Settings as kept in the database: the same JSON, plus secret value ids.
// The outer Secrets field shadows the embedded one.
type storedSettings struct {
	Settings
	Secrets []secretRefJSON `json:"secrets"`
}

func (s Settings) encode() ([]byte, error) {
	st := storedSettings{Settings: s, Secrets: make([]secretRefJSON, len(s.Secrets))}
	for i, r := range s.Secrets {
		st.Secrets[i] = secretRefJSON(r)
	}
	return json.Marshal(st)
}

func (s *Settings) decode(b []byte) error {
	var st storedSettings
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	*s = st.Settings
	s.Secrets = make([]SecretRef, len(st.Secrets))
	for i, r := range st.Secrets {
		s.Secrets[i] = SecretRef(r)
	}
	return nil
}

// GormDataType stores Settings as a JSON text column.
func (Settings) GormDataType() string { return "text" }

// Value implements driver.Valuer.
func (s Settings) Value() (driver.Value, error) {
	b, err := s.encode()
	return string(b), err
}

// Scan implements sql.Scanner.
func (s *Settings) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s = Settings{}
		return nil
	case string:
		return s.decode([]byte(v))
	case []byte:
		return s.decode(v)
	}
	return fmt.Errorf("models: cannot scan %T into Settings", src)
}

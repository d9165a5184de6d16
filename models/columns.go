package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Module is one source file of a bundle, kept so editors can show and change the code.
type Module struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// Modules is stored as a JSON text column.
type Modules []Module

// Splits is stored as a JSON text column.
type Splits []Split

func (Modules) GormDataType() string { return "text" }
func (Splits) GormDataType() string  { return "text" }

func (m Modules) Value() (driver.Value, error) { return jsonValue(m) }
func (s Splits) Value() (driver.Value, error)  { return jsonValue(s) }
func (m *Modules) Scan(src any) error          { return jsonScan(src, m) }
func (s *Splits) Scan(src any) error           { return jsonScan(src, s) }

func jsonValue(v any) (driver.Value, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func jsonScan(src any, dst any) error {
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(v), dst)
	case []byte:
		return json.Unmarshal(v, dst)
	}
	return fmt.Errorf("models: cannot scan %T into %T", src, dst)
}

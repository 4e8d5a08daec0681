package apperr

import (
	"fmt"
	"sort"
	"strings"
)

// Choice is one code of an enumeration with its Chinese label.
type Choice struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Enum is a closed list of codes a field accepts (a suspension ground, a decision type, …). Features
// declare their enumerations with it so that every refusal lists the valid codes with their labels, and
// the API document can list them too.
type Enum struct {
	Name    string // what the field is, in Chinese (中止情形)
	Choices []Choice
}

// NewEnum builds an enumeration from code, label pairs in the order shown to users.
func NewEnum(name string, codeLabel ...string) Enum {
	e := Enum{Name: name}
	for i := 0; i+1 < len(codeLabel); i += 2 {
		e.Choices = append(e.Choices, Choice{Code: codeLabel[i], Label: codeLabel[i+1]})
	}
	return e
}

// EnumOf builds an enumeration from a code → label map, ordered by code.
func EnumOf(name string, m map[string]string) Enum {
	e := Enum{Name: name}
	for code, label := range m {
		e.Choices = append(e.Choices, Choice{Code: code, Label: label})
	}
	sort.Slice(e.Choices, func(i, j int) bool { return e.Choices[i].Code < e.Choices[j].Code })
	return e
}

// Valid reports whether code is one of the enumeration's codes.
func (e Enum) Valid(code string) bool {
	for _, c := range e.Choices {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Label is the Chinese label of code ("" when unknown).
func (e Enum) Label(code string) string {
	for _, c := range e.Choices {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Message is the message for a refused code of field: the valid codes with their labels.
func (e Enum) Message(field string) string {
	parts := make([]string, len(e.Choices))
	for i, c := range e.Choices {
		parts[i] = fmt.Sprintf("%s（%s）", c.Code, c.Label)
	}
	return fmt.Sprintf("%s（%s）须为以下代码之一：%s", e.Name, field, strings.Join(parts, "、"))
}

// Add records the message on field in f when code is not valid; it reports whether code is valid.
func (e Enum) Add(f Fields, field, code string) bool {
	if e.Valid(code) {
		return true
	}
	f.Add(field, "%s", e.Message(field))
	return false
}

// Check is nil for a valid code, else a 422 naming field and listing the valid codes with labels.
func (e Enum) Check(field, code string) error {
	f := Fields{}
	e.Add(f, field, code)
	return f.Err()
}

package pii

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// IDNumber is a parsed 18-digit resident identity number (GB 11643-1999).
type IDNumber struct {
	Value     string    // normalised: 17 digits and a check character 0-9 or X
	Region    string    // the first six digits, the administrative division code
	BirthDate time.Time // UTC midnight
	Female    bool      // the 17th digit is even
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// CheckChar computes the GB 11643 check character for the first 17 digits.
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ParseIDNumber validates an ID number: 18 characters, digits with a final digit or X, a real
// birth date not in the future and not before 1900, and a matching check character.
func ParseIDNumber(s string, today time.Time) (IDNumber, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if utf8.RuneCountInString(v) != 18 {
		return IDNumber{}, fmt.Errorf("ID number must have 18 characters (身份证号码应为18位)")
	}
	for i := 0; i < 17; i++ {
		if v[i] < '0' || v[i] > '9' {
			return IDNumber{}, fmt.Errorf("ID number must be 17 digits followed by a digit or X (身份证号码格式不正确)")
		}
	}
	if last := v[17]; !(last >= '0' && last <= '9') && last != 'X' {
		return IDNumber{}, fmt.Errorf("ID number must be 17 digits followed by a digit or X (身份证号码格式不正确)")
	}
	birth, err := time.Parse("20060102", v[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(today) {
		return IDNumber{}, fmt.Errorf("ID number has an impossible birth date (身份证号码中的出生日期无效)")
	}
	if CheckChar(v[:17]) != v[17] {
		return IDNumber{}, fmt.Errorf("ID number check digit is wrong (身份证号码校验位错误)")
	}
	return IDNumber{Value: v, Region: v[:6], BirthDate: birth, Female: (v[16]-'0')%2 == 0}, nil
}

// MaskIDNumber keeps the division code and the last four characters: 211404********1234.
func MaskIDNumber(v string) string {
	if len(v) != 18 {
		return strings.Repeat("*", len(v))
	}
	return v[:6] + "********" + v[14:]
}

// NormalizePhone accepts a mainland mobile number (11 digits starting with 1) or a landline
// with area code (0 + 9-11 digits), ignoring spaces, dashes and a +86 prefix.
func NormalizePhone(s string) (string, error) {
	r := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "")
	v := r.Replace(strings.TrimSpace(s))
	v = strings.TrimPrefix(v, "+86")
	for _, c := range v {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("phone number may contain only digits (电话号码只能包含数字)")
		}
	}
	switch {
	case len(v) == 11 && v[0] == '1' && v[1] >= '3' && v[1] <= '9':
		return v, nil
	case v != "" && v[0] == '0' && len(v) >= 10 && len(v) <= 12:
		return v, nil
	}
	return "", fmt.Errorf("phone number must be an 11-digit mobile number or a landline with area code (电话号码格式不正确)")
}

// MaskPhone keeps the first three and last four digits: 138****5678.
func MaskPhone(v string) string {
	if len(v) < 8 {
		return strings.Repeat("*", len(v))
	}
	return v[:3] + strings.Repeat("*", len(v)-7) + v[len(v)-4:]
}

// Age in whole years on the given day.
func Age(birth, today time.Time) int {
	age := today.Year() - birth.Year()
	if today.Month() < birth.Month() || (today.Month() == birth.Month() && today.Day() < birth.Day()) {
		age--
	}
	return age
}

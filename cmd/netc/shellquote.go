package main

import "strings"

// shellQuote returns s as one word for a POSIX shell: unchanged when it holds only
// characters no shell treats specially, else in single quotes (a ' inside becomes '\”).
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,/:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

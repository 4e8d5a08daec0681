package publication

import "fmt"

// CountSearchedStatement is the capped count statement Search runs for f, with its arguments.
func CountSearchedStatement(f Filter) (string, []any, bool) {
	w, args, ok := f.where()
	return fmt.Sprintf(countSearched, w, SearchCountCap+1), args, ok
}

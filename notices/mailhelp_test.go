package notices_test

import (
	"encoding/base64"
	"fmt"
	"io"
)

func newB64(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, r) }

func fmtSscan(s string, v *int64) (int, error) { return fmt.Sscan(s, v) }

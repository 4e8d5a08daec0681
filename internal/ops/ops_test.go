package ops

import (
	"bytes"
	"context"
	"testing"
	"time"
)

func TestWriteNoDB(t *testing.T) {
	m := NewMetrics()
	m.Request("GET", "/x", 200, time.Millisecond)
	var b bytes.Buffer
	if err := m.Write(context.Background(), &b, nil); err != nil {
		t.Fatal(err)
	}
}

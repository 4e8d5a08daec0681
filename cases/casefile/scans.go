package casefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"fuyi/internal/pdf"
)

// Scans of the 卷宗: the pages of each file are drawn into the volume after the file's sheet. JPEG is
// embedded as it is, PNG and TIFF (every page) are decoded here, a PDF is rasterised page by page with
// pdftoppm (poppler-utils) at ScanDPI: importing its pages would copy an uploaded file's objects (fonts,
// scripts, forms, broken cross-references) into the record, while a raster of each page is what a paper
// file holds. OFD is not drawn (no renderer here); its sheet says so. The original bytes are always in the
// ZIP with their SHA-256.
const (
	MaxScanPages = 200             // pages of one file drawn into the 卷宗
	ScanDPI      = 150             // resolution of rasterised PDF pages
	scanTimeout  = 2 * time.Minute // pdftoppm on one file
	scanMaxBytes = 64 << 20        // images of one file held for the volume
	// volumeScanBytes bounds the scanned pages drawn into the two volumes of one case (held in memory while
	// they are rendered, stored in one row each); files after it keep their sheet, their originals in the ZIP
	volumeScanBytes = 256 << 20
	pdftoppmName    = "pdftoppm"    // from poppler-utils
	pdfinfoName     = "pdfinfo"     // from poppler-utils
	scanTempDir     = "fuyi-scan-*" // under os.TempDir
)

// scan is what the 卷宗 holds of a file: its pages as images, and a note on the sheet saying how they
// were drawn or why they were not.
type scan struct {
	pages []*pdf.Image
	note  string
}

const zipNote = "原件按原始字节保存在本卷宗的ZIP包中（files目录），可按上列SHA-256核对。"

// readScan draws the pages of a file for the 卷宗, reading its bytes through db.
func (s *Service) readScan(ctx context.Context, db sqlx.QueryerContext, f File) scan {
	fail := func(why string, err error) scan {
		if err != nil {
			slog.Warn("casefile: scan not drawn into the archive", "file_id", f.ID, "content_type", f.ContentType, "err", err)
		}
		return scan{note: "本材料未绘入本卷宗：" + why + "。" + zipNote}
	}
	if f.ContentType == TypeOFD {
		return fail("本系统尚不能绘制OFD版式文件，请以ZIP包中的原件阅览", nil)
	}
	if f.ContentType == TypePDF {
		return s.rasterisePDF(ctx, db, f, fail)
	}
	rc := s.Blobs.Open(db, f.ID)
	b, err := io.ReadAll(io.LimitReader(rc, scanMaxBytes+1))
	_ = rc.Close()
	if err != nil {
		return fail("读取原件失败", err)
	}
	if len(b) > scanMaxBytes {
		return fail("原件过大", fmt.Errorf("over %d bytes", scanMaxBytes))
	}
	var pages []*pdf.Image
	more := false
	switch f.ContentType {
	case TypeJPEG:
		im, err := pdf.JPEGImage(b)
		if err != nil {
			return fail("JPEG图像无法解码（文件可能不完整或已损坏）", err)
		}
		pages = []*pdf.Image{im}
	case TypePNG:
		im, err := pdf.PNGImage(b)
		if err != nil {
			return fail("PNG图像无法解码（文件可能不完整或已损坏）", err)
		}
		pages = []*pdf.Image{im}
	case TypeTIFF:
		pages, more, err = pdf.TIFFImages(b, MaxScanPages, scanMaxBytes)
		if err != nil {
			return fail("TIFF图像无法解码（文件可能已损坏，或使用了本系统不支持的压缩方式）", err)
		}
	default:
		return fail("格式不支持绘制", nil)
	}
	return drawn(pages, more, "")
}

func drawn(pages []*pdf.Image, more bool, how string) scan {
	note := fmt.Sprintf("原件共%d页，%s依次绘于本页之后。", len(pages), how)
	if more {
		note = fmt.Sprintf("原件页数较多，%s本卷宗绘入前%d页（每件至多%d页、图像至多%d MB），其余页面见ZIP包中的原件。",
			how, len(pages), MaxScanPages, scanMaxBytes>>20)
	}
	return scan{pages: pages, note: note + zipNote}
}

var pagesRe = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// rasterisePDF turns each page of a PDF into a JPEG with pdftoppm in a temporary directory (removed after).
func (s *Service) rasterisePDF(ctx context.Context, db sqlx.QueryerContext, f File, fail func(string, error) scan) scan {
	tool, err := exec.LookPath(pdftoppmName)
	if err != nil {
		return fail("本服务器未安装poppler-utils（pdftoppm），PDF扫描件未能转为页面图像", err)
	}
	dir, err := os.MkdirTemp("", scanTempDir)
	if err != nil {
		return fail("临时目录不可用", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	in := filepath.Join(dir, "in.pdf")
	out, err := os.OpenFile(in, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return fail("临时文件不可用", err)
	}
	rc := s.Blobs.Open(db, f.ID)
	_, err = io.Copy(out, rc)
	_ = rc.Close()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail("读取原件失败", err)
	}
	ctx, cancel := context.WithTimeout(ctx, scanTimeout)
	defer cancel()
	total := 0
	if info, err := exec.LookPath(pdfinfoName); err == nil {
		if o, err := exec.CommandContext(ctx, info, in).Output(); err == nil {
			if m := pagesRe.FindSubmatch(o); m != nil {
				total, _ = strconv.Atoi(string(m[1]))
			}
		}
	}
	cmd := exec.CommandContext(ctx, tool, "-r", strconv.Itoa(ScanDPI), "-jpeg", "-jpegopt", "quality=80",
		"-f", "1", "-l", strconv.Itoa(MaxScanPages), in, filepath.Join(dir, "p"))
	if o, err := cmd.CombinedOutput(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fail("PDF转换超时", err)
		}
		return fail("PDF无法读取（可能已加密或已损坏）", fmt.Errorf("%w: %.200s", err, o))
	}
	names, err := filepath.Glob(filepath.Join(dir, "p-*.jpg"))
	if err != nil || len(names) == 0 {
		return fail("PDF没有可绘制的页面", err)
	}
	sort.Strings(names) // pdftoppm pads the page numbers to equal width
	var pages []*pdf.Image
	size := 0
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return fail("读取转换结果失败", err)
		}
		if size += len(b); size > scanMaxBytes && len(pages) > 0 {
			return drawn(pages, true, fmt.Sprintf("由PDF逐页转为%d dpi图像，", ScanDPI))
		}
		im, err := pdf.JPEGImage(b)
		if err != nil {
			return fail("转换后的页面图像无法解码", err)
		}
		pages = append(pages, im)
	}
	return drawn(pages, total > len(pages), fmt.Sprintf("由PDF逐页转为%d dpi图像，", ScanDPI))
}

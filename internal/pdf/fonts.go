package pdf

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Face is a typeface role of GB/T 9704: each block of a document is set in one of them, and every character a
// face lacks is taken from the fallback fonts (Noto Serif CJK SC, then HanaMin A and B for CJK Extensions B–F).
type Face int

const (
	FaceBody  Face = iota // 仿宋 — body text (3号)
	FaceTitle             // 小标宋 — the title (2号); a bold 宋体 stands in
	FaceHei               // 黑体 — first-level headings, table headers
	FaceKai               // 楷体 — second-level headings
	FaceSong              // 宋体 — page numbers, table cells
	numFaces
)

var faceNames = [numFaces]string{"仿宋", "小标宋", "黑体", "楷体", "宋体"}

// faceCandidates: for each face, the family names of the official (licensed) fonts a bureau may install in
// FUYI_FONT_DIR, best first, and last the free Fandol font shipped in fonts/ (GPL with font exception).
var faceCandidates = [numFaces][]string{
	FaceBody:  {"仿宋_GB2312", "FangSong_GB2312", "方正仿宋_GBK", "方正仿宋_GB2312", "FZFangSong-Z02", "仿宋", "FangSong", "file:FandolFang-Regular.otf"},
	FaceTitle: {"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "小标宋", "file:FandolSong-Bold.otf"},
	FaceHei:   {"黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "FZHei-B01", "file:FandolHei-Regular.otf"},
	FaceKai:   {"楷体_GB2312", "KaiTi_GB2312", "方正楷体_GBK", "方正楷体简体", "楷体", "KaiTi", "file:FandolKai-Regular.otf"},
	FaceSong:  {"宋体", "SimSun", "方正书宋_GBK", "方正书宋简体", "file:FandolSong-Regular.otf"},
}

// fallbackFiles are tried in order, face by PostScript name, for characters the face lacks.
var fallbackFiles = []struct{ file, psName string }{
	{"NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular"},
	{"NotoSerifCJKsc-Regular.otf", ""},
	{"NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular"},
	{"HanaMinA.ttf", ""},
	{"HanaMinB.ttf", ""},
}

// FontDirEnv names the setting with the directories (separated by ':') holding a bureau's licensed fonts.
const FontDirEnv = "FUYI_FONT_DIR"

// fontSet is the set of faces a process uses, found once.
type fontSet struct {
	faces    [numFaces]*Font
	fallback []*lazyFont
	missing  sync.Map // rune → true, logged once
}

type lazyFont struct {
	path, psName string
	once         sync.Once
	f            *Font
}

func (l *lazyFont) get() *Font {
	l.once.Do(func() {
		f, err := openFace(l.path, l.psName)
		if err != nil {
			slog.Warn("pdf: fallback font unusable", "file", filepath.Base(l.path), "err", err)
			return
		}
		l.f = f
	})
	return l.f
}

// FontDirs lists where fonts are looked for, first match wins: FUYI_FONT_DIR, the fonts/ directory next to
// the binary or in the working directory or one of its parents (a checkout), then the system font
// directories (Debian: fonts-noto-cjk, fonts-hanazono, texlive's Fandol).
func FontDirs() []string {
	var dirs []string
	if v := os.Getenv(FontDirEnv); v != "" {
		dirs = append(dirs, filepath.SplitList(v)...)
	}
	if exe, err := os.Executable(); err == nil {
		d := filepath.Dir(exe)
		dirs = append(dirs, filepath.Join(d, "fonts"), filepath.Join(d, "..", "fonts"))
	}
	if wd, err := os.Getwd(); err == nil {
		for i := 0; i < 5; i++ {
			dirs = append(dirs, filepath.Join(wd, "fonts"))
			wd = filepath.Dir(wd)
		}
	}
	home, _ := os.UserHomeDir()
	dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts", filepath.Join(home, ".local/share/fonts"),
		"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol", "/usr/share/texmf/fonts/opentype/public/fandol")
	return dirs
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	s, err := findFonts(FontDirs())
	if err == nil {
		s.log()
	}
	return s, err
})

func isFontFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ttf", ".otf", ".ttc", ".otc":
		return true
	}
	return false
}

func findFonts(dirs []string) (*fontSet, error) {
	byName := map[string]string{} // file name → first path found
	var official []string         // font files under FUYI_FONT_DIR
	officialDirs := map[string]bool{}
	for _, d := range filepath.SplitList(os.Getenv(FontDirEnv)) {
		officialDirs[filepath.Clean(d)] = true
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		d = filepath.Clean(d)
		if seen[d] {
			continue
		}
		seen[d] = true
		// an unreadable directory or file has no font to offer: the walk skips it and reports nothing
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !isFontFile(p) {
				return nil
			}
			if _, ok := byName[e.Name()]; !ok {
				byName[e.Name()] = p
			}
			if officialDirs[d] {
				official = append(official, p)
			}
			return nil
		})
	}
	s := &fontSet{}
	// a bureau's own fonts: matched to a face by family name; the others become the first fallbacks
	var offFaces []*Font
	for _, p := range official {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		fs, err := parseFonts(data, filepath.Base(p))
		if err != nil {
			slog.Warn("pdf: font unusable", "file", filepath.Base(p), "err", err)
			continue
		}
		offFaces = append(offFaces, fs...)
	}
	used := map[*Font]bool{}
	for face := Face(0); face < numFaces; face++ {
	candidates:
		for _, c := range faceCandidates[face] {
			if file, ok := strings.CutPrefix(c, "file:"); ok {
				if p, ok := byName[file]; ok {
					f, err := openFace(p, "")
					if err != nil {
						return nil, err
					}
					s.faces[face] = f
					break
				}
				continue
			}
			for _, f := range offFaces {
				for _, fam := range strings.Split(f.Family, "|") {
					if fam == c {
						s.faces[face], used[f] = f, true
						break candidates
					}
				}
			}
		}
	}
	for _, f := range offFaces {
		if !used[f] {
			l := &lazyFont{f: f}
			l.once.Do(func() {})
			s.fallback = append(s.fallback, l)
		}
	}
	for _, fb := range fallbackFiles {
		if p, ok := byName[fb.file]; ok {
			s.fallback = append(s.fallback, &lazyFont{path: p, psName: fb.psName})
		}
	}
	// a face without its own font borrows the body face, the body face the first fallback
	if s.faces[FaceBody] == nil {
		for _, l := range s.fallback {
			if f := l.get(); f != nil {
				s.faces[FaceBody] = f
				break
			}
		}
	}
	if s.faces[FaceBody] == nil {
		return nil, errors.New("pdf: no Chinese font found: put FandolFang-Regular.otf in fonts/ or set " + FontDirEnv +
			" (apt-get install fonts-noto-cjk fonts-hanazono for the fallback fonts)")
	}
	for face := range s.faces {
		if s.faces[face] == nil {
			s.faces[face] = s.faces[FaceBody]
		}
	}
	return s, nil
}

// openFace reads a font file and returns the face named psName (the first face when psName is empty).
func openFace(path, psName string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if psName != "" && string(data[:4]) == "ttcf" {
		n := int(u32(data, 8))
		for i := 0; i < n && 12+4*i+4 <= len(data); i++ {
			at := int(u32(data, 12+4*i))
			if facePSName(data, at) == psName {
				return parseFace(data, at, filepath.Base(path))
			}
		}
		return nil, fmt.Errorf("pdf: %s has no face %s", filepath.Base(path), psName)
	}
	fs, err := parseFonts(data, filepath.Base(path))
	if err != nil {
		return nil, err
	}
	return fs[0], nil
}

// facePSName reads only the PostScript name of the face at offset at.
func facePSName(data []byte, at int) (name string) {
	defer func() { _ = recover() }() // a malformed face has no name
	f := &Font{tables: map[string][]byte{}}
	n := u16(data, at+4)
	for i := 0; i < n; i++ {
		rec := at + 12 + 16*i
		if string(data[rec:rec+4]) == "name" {
			off, length := int(u32(data, rec+8)), int(u32(data, rec+12))
			f.tables["name"] = data[off : off+length]
		}
	}
	f.parseNames()
	return f.PSName
}

// fontFor picks the font that draws r in face: the face itself, else the first fallback that has it. ok is
// false when no font has r (the caller prints Missing instead).
func (s *fontSet) fontFor(face Face, r rune) (*Font, bool) {
	if f := s.faces[face]; f.Has(r) {
		return f, true
	}
	if f := s.faces[FaceBody]; f.Has(r) && face != FaceBody {
		// a character the heading or title face lacks comes from the body face before the fallbacks
		return f, true
	}
	for _, l := range s.fallback {
		if f := l.get(); f != nil && f.Has(r) {
			return f, true
		}
	}
	return nil, false
}

// drawable reports whether some font draws r.
func (s *fontSet) drawable(r rune) bool {
	_, ok := s.fontFor(FaceBody, r)
	return ok
}

// log says once which font serves each face, so that a bureau sees its licensed fonts were picked up.
func (s *fontSet) log() {
	var fallback []string
	for _, l := range s.fallback {
		name := filepath.Base(l.path)
		if l.f != nil {
			name = l.f.File
		}
		fallback = append(fallback, name)
	}
	slog.Info("pdf: fonts", "body", s.faces[FaceBody].PSName, "title", s.faces[FaceTitle].PSName,
		"heading", s.faces[FaceHei].PSName, "heading2", s.faces[FaceKai].PSName, "song", s.faces[FaceSong].PSName,
		"fallback", strings.Join(fallback, ","))
}

#!/usr/bin/env bash
# Fonts for the PDF documents (see README "Fonts"). The GB/T 9704 faces (Fandol 仿宋/宋体/黑体/楷体) ship in
# fonts/; the fallback fonts for rare name characters come from Debian: fonts-noto-cjk (Noto Serif CJK SC:
# 通用规范汉字表 incl. 䶮, 𬭚) and fonts-hanazono (HanaMin A/B: CJK Extensions B–F).
#   bash scripts/fonts.sh           warn when the fallback fonts are missing (make run)
#   bash scripts/fonts.sh require   install them as root with apt-get, or fail saying what to install (make test)
set -euo pipefail
cd "$(dirname "$0")/.."

for f in FandolFang-Regular FandolSong-Regular FandolSong-Bold FandolHei-Regular FandolKai-Regular; do
	if [ ! -f "fonts/$f.otf" ]; then
		echo "fonts/$f.otf is missing: the checkout is incomplete (git checkout -- fonts)" >&2
		exit 1
	fi
done

have() { # have FILE: the font file is in a directory the server searches
	dirs="${FUYI_FONT_DIR:-}"
	for d in ${dirs//:/ } /usr/share/fonts /usr/local/share/fonts "$HOME/.local/share/fonts"; do
		[ -d "$d" ] && [ -n "$(find "$d" -name "$1" -print -quit 2>/dev/null)" ] && return 0
	done
	return 1
}

missing=()
have NotoSerifCJK-Regular.ttc || missing+=(fonts-noto-cjk)
{ have HanaMinA.ttf && have HanaMinB.ttf; } || missing+=(fonts-hanazono)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${1:-}" = require ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing ${missing[*]} (fallback fonts for rare name characters in PDF documents)"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	exit 0
fi
msg="PDF documents print characters outside the Fandol fonts (e.g. 䶮, 𬭚) as 〓 until you install: sudo apt-get install ${missing[*]}"
if [ "${1:-}" = require ]; then
	echo "the PDF tests need the fallback fonts. $msg" >&2
	exit 1
fi
echo "注意：$msg" >&2

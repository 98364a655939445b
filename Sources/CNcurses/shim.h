#ifndef SWITCHBOARD_CNCURSES_SHIM_H
#define SWITCHBOARD_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Macros Swift cannot import, as functions. */
static inline int sb_color_pair(int n) { return COLOR_PAIR(n); }
static inline unsigned int sb_attr_bold(void) { return A_BOLD; }
static inline unsigned int sb_attr_reverse(void) { return A_REVERSE; }
static inline unsigned int sb_attr_dim(void) { return A_DIM; }
static inline unsigned int sb_attr_underline(void) { return A_UNDERLINE; }
static inline int sb_key_resize(void) { return KEY_RESIZE; }
static inline int sb_key_up(void) { return KEY_UP; }
static inline int sb_key_down(void) { return KEY_DOWN; }
static inline int sb_key_left(void) { return KEY_LEFT; }
static inline int sb_key_right(void) { return KEY_RIGHT; }
static inline int sb_key_enter(void) { return KEY_ENTER; }
static inline int sb_key_backspace(void) { return KEY_BACKSPACE; }
static inline int sb_key_home(void) { return KEY_HOME; }
static inline int sb_key_end(void) { return KEY_END; }
static inline int sb_key_npage(void) { return KEY_NPAGE; }
static inline int sb_key_ppage(void) { return KEY_PPAGE; }
static inline int sb_key_dc(void) { return KEY_DC; }
static inline int sb_ok(void) { return OK; }
static inline int sb_err(void) { return ERR; }
static inline WINDOW *sb_stdscr(void) { return stdscr; }
static inline int sb_lines(void) { return LINES; }
static inline int sb_cols(void) { return COLS; }
static inline int sb_key_code_yes(void) { return KEY_CODE_YES; }

/* Put one wide character with attributes and colour pair at (y, x). */
static inline int sb_put_wch(int y, int x, wchar_t ch, unsigned int attrs, short pair) {
    cchar_t cc;
    wchar_t wstr[2] = { ch, L'\0' };
    setcchar(&cc, wstr, attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}
/* A whole grapheme cluster in one cell: a spacing character and the marks that combine with it (ncurses
   holds up to CCHARW_MAX wide characters per cell; longer clusters keep their first ones). */
static inline int sb_put_cluster(int y, int x, const wchar_t *ws, int n, unsigned int attrs, short pair) {
    cchar_t cc;
    wchar_t wstr[CCHARW_MAX + 1];
    int count = n < CCHARW_MAX ? n : CCHARW_MAX;
    for (int i = 0; i < count; i++) wstr[i] = ws[i];
    wstr[count] = L'\0';
    setcchar(&cc, wstr, attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}
/* Line-buffered stdout, so streamed events reach a pipe as they happen. */
static inline void sb_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
#endif

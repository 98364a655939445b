#ifndef SWITCHBOARD_LAZY_CURL_H
#define SWITCHBOARD_LAZY_CURL_H
// This target defines libcurl's entry points for the static release build (see lazy_curl.c). Swift calls only
// these two probes, for `switchboard doctor`'s build line.
/// 1 when this binary loads libcurl only on first use (the static release build), else 0.
int sb_lazy_curl_enabled(void);
/// 1 once libcurl has been loaded (always 0 in a binary that never used URLSession).
int sb_lazy_curl_loaded(void);
#endif

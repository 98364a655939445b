#ifndef SWITCHBOARD_LAZY_CURL_H
#define SWITCHBOARD_LAZY_CURL_H
// Nothing to call from Swift: this target only defines libcurl's entry points for the static release build
// (see lazy_curl.c). The header exists because SwiftPM wants a public header directory for a C target.
/// 1 when this binary loads libcurl only on first use (the static release build), else 0.
int sb_lazy_curl_enabled(void);
/// 1 once libcurl has been loaded (always 0 in a binary that never used URLSession).
int sb_lazy_curl_loaded(void);
#endif

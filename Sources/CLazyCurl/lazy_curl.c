// libcurl, loaded on first use, for the static release build.
//
// Switchboard's HTTP is AsyncHTTPClient (SwiftNIO); nothing of ours uses URLSession. But the MCP SDK links
// FoundationNetworking (its own HTTP transport and OAuth code use URLSession), and FoundationNetworking's C
// part calls 23 libcurl functions. Linked normally, every `switchboard` process — `token` and `headers` run
// thousands of times a day by other programs — loads libcurl and the 30 libraries it depends on (TLS, Kerberos,
// LDAP, ...): measured, about 5.5 ms and 7 MiB of a 12 ms start. The static release build therefore drops the
// `-lcurl` autolink (`-disable-autolink-library curl`, see .ci/install) and defines those 23 functions here:
// each one opens libcurl.so.4 the first time any of them is called and forwards to the real function. A
// process that never touches URLSession never loads libcurl; one that does gets the real libcurl (or, where
// it is not installed, a message saying to install it, where the normal build would not start at all).
//
// Compiled only with SWITCHBOARD_LAZY_CURL defined (the static build passes -Xcc -DSWITCHBOARD_LAZY_CURL);
// every other build links libcurl as usual and this file defines only the two probes below.
#include "CLazyCurl.h"

#ifdef SWITCHBOARD_LAZY_CURL
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void *curl_library;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void open_curl(void) {
    curl_library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_GLOBAL);
}

static void *curl_symbol(const char *name) {
    pthread_once(&curl_once, open_curl);
    void *f = curl_library ? dlsym(curl_library, name) : NULL;
    if (!f) {
        fprintf(stderr, "switchboard: this needs libcurl (libcurl.so.4: %s), which is not installed; "
                        "install it (apt-get install -y libcurl4) and try again\n", name);
        abort();
    }
    return f;
}

int sb_lazy_curl_enabled(void) { return 1; }
int sb_lazy_curl_loaded(void) { return curl_library != NULL; }

// Opaque handles and enums as the C ABI passes them: pointers and ints. (libcurl's own header is not
// needed to build this, so the static build does not need libcurl's development files for it.)
#define FORWARD(ret, name, params, args)                                          \
    ret name params {                                                             \
        static ret (*real) params;                                                \
        if (!real) real = (ret (*) params)curl_symbol(#name);                     \
        return real args;                                                         \
    }
#define FORWARD_VOID(name, params, args)                                          \
    void name params {                                                            \
        static void (*real) params;                                               \
        if (!real) real = (void (*) params)curl_symbol(#name);                    \
        real args;                                                                \
    }
// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt take one more argument: a long, a pointer or
// a curl_off_t. On the 64-bit Linux ABIs (x86-64 System V, AArch64) each of those is one integer
// register or stack slot, so it is read and passed on as a pointer-sized value.
#define FORWARD_VARIADIC(name)                                                    \
    int name(void *handle, int option, ...) {                                     \
        static int (*real)(void *, int, ...);                                     \
        if (!real) real = (int (*)(void *, int, ...))curl_symbol(#name);          \
        va_list ap;                                                               \
        va_start(ap, option);                                                     \
        void *value = va_arg(ap, void *);                                         \
        va_end(ap);                                                               \
        return real(handle, option, value);                                       \
    }

_Static_assert(sizeof(void *) == 8 && sizeof(long) == 8 && sizeof(long long) == 8,
               "lazy_curl.c forwards variadic arguments as one 64-bit value");

FORWARD(int, curl_global_init, (long flags), (flags))
FORWARD(void *, curl_easy_init, (void), ())
FORWARD_VOID(curl_easy_cleanup, (void *handle), (handle))
FORWARD(int, curl_easy_pause, (void *handle, int bitmask), (handle, bitmask))
FORWARD(const char *, curl_easy_strerror, (int code), (code))
FORWARD_VOID(curl_free, (void *p), (p))
FORWARD(void *, curl_multi_init, (void), ())
FORWARD(int, curl_multi_add_handle, (void *multi, void *handle), (multi, handle))
FORWARD(int, curl_multi_assign, (void *multi, int socket, void *p), (multi, socket, p))
FORWARD(int, curl_multi_cleanup, (void *multi), (multi))
FORWARD(void *, curl_multi_info_read, (void *multi, int *queued), (multi, queued))
FORWARD(int, curl_multi_remove_handle, (void *multi, void *handle), (multi, handle))
FORWARD(int, curl_multi_socket_action, (void *multi, int socket, int events, int *running), (multi, socket, events, running))
FORWARD(void *, curl_slist_append, (void *list, const char *s), (list, s))
FORWARD_VOID(curl_slist_free_all, (void *list), (list))
FORWARD(void *, curl_url, (void), ())
FORWARD(int, curl_url_get, (const void *url, int part, char **value, unsigned int flags), (url, part, value, flags))
FORWARD(int, curl_url_set, (void *url, int part, const char *value, unsigned int flags), (url, part, value, flags))
FORWARD(char *, curl_version, (void), ())
FORWARD(void *, curl_version_info, (int age), (age))
FORWARD_VARIADIC(curl_easy_setopt)
FORWARD_VARIADIC(curl_easy_getinfo)
FORWARD_VARIADIC(curl_multi_setopt)

#else

int sb_lazy_curl_enabled(void) { return 0; }
int sb_lazy_curl_loaded(void) { return 0; }

#endif

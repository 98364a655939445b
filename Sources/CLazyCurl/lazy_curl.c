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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

// Every entry point forwarded, in one list: the table below is filled from it.
#define CURL_FUNCTIONS(X)                                                                                 \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_pause) X(curl_easy_strerror)    \
    X(curl_free) X(curl_multi_init) X(curl_multi_add_handle) X(curl_multi_assign) X(curl_multi_cleanup)   \
    X(curl_multi_info_read) X(curl_multi_remove_handle) X(curl_multi_socket_action) X(curl_slist_append)  \
    X(curl_slist_free_all) X(curl_url) X(curl_url_get) X(curl_url_set) X(curl_version) X(curl_version_info) \
    X(curl_easy_setopt) X(curl_easy_getinfo) X(curl_multi_setopt)

#define CURL_INDEX(name) index_##name,
enum { CURL_FUNCTIONS(CURL_INDEX) curl_function_count };
#define CURL_NAME(name) #name,
static const char *const curl_names[curl_function_count] = { CURL_FUNCTIONS(CURL_NAME) };

// Written only inside `load_curl`, which pthread_once runs exactly once, and read only after pthread_once
// returns: FoundationNetworking may make its first libcurl calls from several threads at once, and each
// sees the whole table (pthread_once orders the writes before every return), with no pointer written twice
// or read while it is being written.
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void *curl_library;
static void *curl_functions[curl_function_count];
// For the probe, which may run on any thread without loading anything.
static atomic_int curl_loaded;

static void load_curl(void) {
    curl_library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_GLOBAL);
    if (curl_library) {
        for (int i = 0; i < curl_function_count; i++) curl_functions[i] = dlsym(curl_library, curl_names[i]);
    }
    atomic_store_explicit(&curl_loaded, curl_library != NULL, memory_order_release);
}

static void *curl_symbol(int index) {
    pthread_once(&curl_once, load_curl);
    void *f = curl_functions[index];
    if (!f) {
        if (curl_library) {
            fprintf(stderr, "switchboard: the installed libcurl.so.4 has no %s; install a current libcurl "
                            "(apt-get install -y libcurl4) and try again\n", curl_names[index]);
        } else {
            fprintf(stderr, "switchboard: this needs libcurl (libcurl.so.4: %s), which is not installed; "
                            "install it (apt-get install -y libcurl4) and try again\n", curl_names[index]);
        }
        abort();
    }
    return f;
}

int sb_lazy_curl_enabled(void) { return 1; }
int sb_lazy_curl_loaded(void) { return atomic_load_explicit(&curl_loaded, memory_order_acquire); }

// Opaque handles and enums as the C ABI passes them: pointers and ints. (libcurl's own header is not
// needed to build this, so the static build does not need libcurl's development files for it.)
#define FORWARD(ret, name, params, args)                                          \
    ret name params {                                                             \
        ret (*real) params = (ret (*) params)curl_symbol(index_##name);           \
        return real args;                                                         \
    }
#define FORWARD_VOID(name, params, args)                                          \
    void name params {                                                            \
        void (*real) params = (void (*) params)curl_symbol(index_##name);         \
        real args;                                                                \
    }
// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt take one more argument: a long, a pointer or
// a curl_off_t. On the 64-bit Linux ABIs (x86-64 System V, AArch64) each of those is one integer
// register or stack slot, so it is read and passed on as a pointer-sized value.
#define FORWARD_VARIADIC(name)                                                    \
    int name(void *handle, int option, ...) {                                     \
        int (*real)(void *, int, ...) = (int (*)(void *, int, ...))curl_symbol(index_##name); \
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

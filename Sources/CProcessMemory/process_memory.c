#define _GNU_SOURCE
#include <link.h>
#include <malloc.h>
#include "CProcessMemory.h"

struct visit { sb_object_visitor visit; void *context; };

static int each(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct visit *v = data;
    sb_segment segments[128];
    /* An object with more headers than this is skipped whole: a header left unread could be a RELRO range. */
    if (info->dlpi_phnum > 128) return 0;
    size_t count = info->dlpi_phnum;
    /* An object with text relocations had its code written by the dynamic linker: its read-only pages are not
       the file's, so it is skipped whole. */
    for (size_t i = 0; i < count; i++) {
        if (info->dlpi_phdr[i].p_type != PT_DYNAMIC) continue;
        const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        for (size_t n = 0; n < 4096 && d->d_tag != DT_NULL; n++, d++) {
            if (d->d_tag == DT_TEXTREL) return 0;
            if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)) return 0;
        }
    }
    for (size_t i = 0; i < count; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        segments[i] = (sb_segment){ p->p_type, p->p_flags, (uintptr_t)p->p_vaddr, (uintptr_t)p->p_filesz, (uintptr_t)p->p_memsz };
    }
    v->visit((uintptr_t)info->dlpi_addr, segments, count, v->context);
    return 0;
}

void sb_each_loaded_object(sb_object_visitor visit, void *context) {
    struct visit v = { visit, context };
    dl_iterate_phdr(each, &v);
}

#ifdef __GLIBC__
void sb_trim_heap(void) { malloc_trim(0); }
void sb_limit_arenas(int n) { mallopt(M_ARENA_MAX, n); }
#else
void sb_trim_heap(void) {}
void sb_limit_arenas(int n) { (void)n; }
#endif

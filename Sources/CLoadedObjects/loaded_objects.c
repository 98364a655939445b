#define _GNU_SOURCE
#include <link.h>
#include "CLoadedObjects.h"

struct visit { sb_object_visitor visit; void *context; };

static int each(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct visit *v = data;
    sb_segment segments[128];
    /* An object with more headers than this is skipped whole: a header left unread could be a RELRO range. */
    if (info->dlpi_phnum > 128) return 0;
    size_t count = info->dlpi_phnum;
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

#ifndef CPROCESSMEMORY_H
#define CPROCESSMEMORY_H
#include <stddef.h>
#include <stdint.h>

/// One ELF program header, as much of it as Switchboard reads.
typedef struct {
    uint32_t type;
    uint32_t flags;
    uintptr_t address;
    uintptr_t file_size;
    uintptr_t memory_size;
} sb_segment;

/// Called once per loaded object (the executable and each shared library) with its load address and its
/// program headers, while the dynamic linker's list is held: no object is loaded or unloaded until it returns.
typedef void (*sb_object_visitor)(uintptr_t base, const sb_segment *segments, size_t count, void *context);

/// `dl_iterate_phdr`, which Swift's Glibc module does not show (it is a GNU extension).
void sb_each_loaded_object(sb_object_visitor visit, void *context);

/// `malloc_trim(0)`: the heap's free pages back to the system (malloc.h is not in Swift's Glibc module).
void sb_trim_heap(void);

/// `mallopt(M_ARENA_MAX, n)`: at most `n` malloc arenas from now on.
void sb_limit_arenas(int n);

#endif

/* The fast path: decides, without the core, that a traced call cannot
 * touch anything virtual, so the helper resumes it at once. Conservative:
 * when unsure it answers "ask the core". */
#ifndef VU_FASTPATH_H
#define VU_FASTPATH_H
#include <stdint.h>
#include "protocol.h"
#include "threads.h"

/* Class numbers carried in SECCOMP_RET_DATA (CLASS_NUMBER in filter.ts). */
enum { CLS_NEVER = 0, CLS_FD, CLS_PATH, CLS_AT, CLS_SOCKET, CLS_PROCESS, CLS_CWD, CLS_MGMT, CLS_OTHER };

void fastpath_set_systab(const struct vu_sysargs *tab, uint32_t n);
/* Replace the mount names from a VU_MOUNTS frame body. */
void fastpath_set_mounts(const char *body, uint32_t len);
/* socket()/socketpair() go to the core (a network stack is mounted). */
void fastpath_set_sockets(int on);
int fastpath_needs_core(struct thread *t, long nr, const uint64_t *args, unsigned cls);

#endif

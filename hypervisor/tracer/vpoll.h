/* vpoll objects, socketpair emulation: the guest holds one end of a
 * connected AF_UNIX stream pair at the fd number the kernel gave it; the
 * helper holds the other end and a duplicate of the guest's end, and sets
 * the guest's poll readiness through them:
 *   EPOLLIN  - one byte waits in the guest end's receive queue
 *   EPOLLOUT - the guest end's send path has room (filled up to clear it)
 *   EPOLLHUP/EPOLLRDHUP - the helper's end is shut down (final)
 * The guest never reads or writes these fds natively: such calls stop.
 * The core may take copies of both ends (VU_VPOLL_FDS) and set the mask
 * itself; the helper then drops the object. */
#ifndef VU_VPOLL_H
#define VU_VPOLL_H
#include <stdint.h>
#include <sys/types.h>

int vpoll_init(void);
/* After the guest's rewritten socket() returned gfd in tgid: adopt it as
 * vpoll object id with the given mask. 0 on success, -errno. */
int vpoll_adopt(pid_t tgid, int gfd, uint32_t id, uint32_t mask);
void vpoll_set(uint32_t id, uint32_t mask);
/* Offer the object's ends to the core: from now on vpoll_set ignores it
 * until vpoll_keep (the core could not take them) or vpoll_close (it did).
 * 0 and the fds and mask, or -ENOENT. */
int vpoll_offer(uint32_t id, int *local, int *guest, uint32_t *mask);
void vpoll_keep(uint32_t id);
void vpoll_close(uint32_t id);
/* How many vpoll objects exist. */
int vpoll_count(void);

#endif

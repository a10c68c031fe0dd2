#ifndef VU_PROBE_H
#define VU_PROBE_H
/* Tries the kernel features vu can use; prints name=yes|no lines. */
int probe_main(void);
#endif

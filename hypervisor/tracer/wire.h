/* Framing of the control socket: buffered, non-blocking sends and a
 * receive loop that hands complete frames to a callback. */
#ifndef VU_WIRE_H
#define VU_WIRE_H
#include <stddef.h>
#include "protocol.h"

void wire_init(int fd);
/* Queue a frame; flushed by wire_flush() or when the buffer fills. */
void wire_send(const void *frame, size_t len);
void wire_flush(void);
int wire_pending(void);
/* Blocking read of exactly len bytes (start-up only). 0 on success. */
int wire_read_exact(void *buf, size_t len);
/* Read what is available and call on_frame for each complete frame.
 * Returns -1 when the core closed the socket. */
int wire_receive(void (*on_frame)(const struct vu_hdr *));

#endif

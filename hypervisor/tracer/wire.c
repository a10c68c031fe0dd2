#define _GNU_SOURCE
#include "wire.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int wfd = -1;
static char out[1 << 16];
static size_t out_len;
static char in[1 << 16];
static size_t in_len;

void wire_init(int fd) { wfd = fd; }

int wire_pending(void) { return out_len > 0; }

void wire_flush(void)
{
	size_t off = 0;
	while (off < out_len) {
		ssize_t n = write(wfd, out + off, out_len - off);
		if (n > 0) { off += (size_t)n; continue; }
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { wfd, POLLOUT, 0 };
			poll(&p, 1, -1);
			continue;
		}
		/* The core is gone: PTRACE_O_EXITKILL ends the guests with us. */
		exit(125);
	}
	out_len = 0;
}

void wire_send(const void *frame, size_t len)
{
	if (out_len + len > sizeof out) wire_flush();
	memcpy(out + out_len, frame, len);
	out_len += len;
}

int wire_read_exact(void *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = read(wfd, (char *)buf + off, len - off);
		if (n > 0) off += (size_t)n;
		else if (n < 0 && errno == EINTR) continue;
		else return -1;
	}
	return 0;
}

int wire_receive(void (*on_frame)(const struct vu_hdr *))
{
	ssize_t n = read(wfd, in + in_len, sizeof in - in_len);
	if (n == 0) return -1;
	if (n < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	in_len += (size_t)n;
	size_t off = 0;
	while (in_len - off >= sizeof(struct vu_hdr)) {
		struct vu_hdr h;
		memcpy(&h, in + off, sizeof h);
		if (h.len < sizeof h || h.len > sizeof in) {
			fprintf(stderr, "vu-tracer: bad frame length %u\n", h.len);
			return -1;
		}
		if (in_len - off < h.len) break;
		/* Frames are 8-byte aligned in practice; copy to be safe. */
		static union { struct vu_hdr h; char b[1 << 16]; } frame;
		if (h.len <= sizeof frame) {
			memcpy(&frame, in + off, h.len);
			on_frame(&frame.h);
		}
		off += h.len;
	}
	memmove(in, in + off, in_len - off);
	in_len -= off;
	return 0;
}

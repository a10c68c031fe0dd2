/* Thread table: open addressing with linear probing and backward-shift
 * deletion, grown by doubling; lookups happen on every ptrace stop. */
#include "threads.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct thread *slots;
static size_t capacity, count;

static size_t slot_of(pid_t tid) { return ((size_t)tid * 2654435761u) & (capacity - 1); }

static void grow(void)
{
	struct thread *old = slots;
	size_t oldcap = capacity;
	capacity = capacity ? capacity * 2 : 1024;
	slots = calloc(capacity, sizeof *slots);
	if (!slots) { perror("vu-tracer: thread table"); exit(125); }
	count = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].tid) {
			struct thread *t = thread_add(old[i].tid, old[i].tgid);
			*t = old[i];
		}
	free(old);
}

struct thread *thread_find(pid_t tid)
{
	if (!capacity) return NULL;
	for (size_t i = slot_of(tid);; i = (i + 1) & (capacity - 1)) {
		if (slots[i].tid == tid) return &slots[i];
		if (slots[i].tid == 0) return NULL;
	}
}

struct thread *thread_add(pid_t tid, pid_t tgid)
{
	if ((count + 1) * 2 > capacity) grow();
	size_t i = slot_of(tid);
	while (slots[i].tid != 0 && slots[i].tid != tid) i = (i + 1) & (capacity - 1);
	if (slots[i].tid == 0) count++;
	memset(&slots[i], 0, sizeof slots[i]);
	slots[i].tid = tid;
	slots[i].tgid = tgid;
	return &slots[i];
}

void thread_remove(struct thread *t)
{
	size_t i = (size_t)(t - slots);
	fdset_unref(slots[i].fds);
	fdset_unref(slots[i].filtered);
	free(slots[i].netns_path);
	memset(&slots[i], 0, sizeof slots[i]);
	count--;
	/* Backward-shift the following entries so lookups never stop early. */
	for (size_t j = (i + 1) & (capacity - 1); slots[j].tid; j = (j + 1) & (capacity - 1)) {
		size_t home = slot_of(slots[j].tid);
		int between = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
		if (!between) {
			slots[i] = slots[j];
			memset(&slots[j], 0, sizeof slots[j]);
			i = j;
		}
	}
}

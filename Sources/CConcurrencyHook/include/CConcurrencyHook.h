#pragma once
// The Swift runtime's hook for enqueueing a job on the global executor
// (swift/Runtime/Concurrency.h). Named here rather than found with dlsym, as NIO does, because a
// statically linked runtime (release builds link it in) keeps the symbol out of the dynamic table.
extern void *_Nullable swift_task_enqueueGlobal_hook;

/// Installs `hook` unless one is set; returns 1 when it did. Call before tasks are started.
static inline int clinic_install_enqueue_global_hook(void *_Nonnull hook) {
    void *expected = 0;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, hook, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/*
 * Raw process creation for the harness, x86-64.
 *
 * long clonediff_raw_clone(unsigned long flags,   %rdi  the full 64-bit word
 *                          void *stack_top,       %rsi  child's %rsp, or 0: stay on a copy of ours
 *                          int *parent_tid,       %rdx
 *                          int *child_tid,        %rcx  (-> %r10)
 *                          unsigned long tls,     %r8
 *                          int (*fn)(void *),     %r9
 *                          void *arg);            8(%rsp)
 *   the legacy clone system call (56) with its arguments exactly as given.
 *
 * long clonediff_raw_clone3(void *clone_args,     %rdi
 *                           unsigned long size,   %rsi
 *                           int (*fn)(void *),    %rdx
 *                           void *arg);           %rcx
 *   the clone3 system call (435) with its arguments exactly as given.
 *
 * In the caller both return the kernel's value (a tid, or -errno). The child
 * gets a copy of the caller's registers (copy_thread()), so fn and arg travel
 * in the callee-saved %rbx and %r12; it aligns its stack, calls fn(arg) and
 * ends with SYS_exit (this thread only) and fn's return value. Between the
 * system call and fn the child writes nothing but its own stack.
 */
	.text

	.globl	clonediff_raw_clone
	.type	clonediff_raw_clone, @function
clonediff_raw_clone:
	.cfi_startproc
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	movq	%r9, %rbx		/* fn */
	movq	24(%rsp), %r12		/* arg (above our two pushes and the return address) */
	testq	%rsi, %rsi
	jz	1f
	andq	$-16, %rsi
1:	movq	%rcx, %r10
	movl	$56, %eax		/* SYS_clone */
	syscall
	testq	%rax, %rax
	jz	clonediff_child_start
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	clonediff_raw_clone, .-clonediff_raw_clone

	.globl	clonediff_raw_clone3
	.type	clonediff_raw_clone3, @function
clonediff_raw_clone3:
	.cfi_startproc
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	movq	%rdx, %rbx		/* fn */
	movq	%rcx, %r12		/* arg */
	movl	$435, %eax		/* SYS_clone3 */
	syscall
	testq	%rax, %rax
	jz	clonediff_child_start
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	clonediff_raw_clone3, .-clonediff_raw_clone3

	.type	clonediff_child_start, @function
clonediff_child_start:
	/* The child. %rsp: the new stack's top, or a copy of the caller's. */
	.cfi_startproc
	.cfi_undefined rip
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	movq	%r12, %rdi
	call	*%rbx
	movl	%eax, %edi
	movl	$60, %eax		/* SYS_exit */
	syscall
	hlt
	.cfi_endproc
	.size	clonediff_child_start, .-clonediff_child_start

	.section .note.GNU-stack, "", @progbits

/*
 * long clonediff_raw_clone(unsigned long flags,   %rdi  full 64-bit word
 *                          void *stack_top,       %rsi  child's initial %rsp (top)
 *                          int *parent_tid,       %rdx
 *                          int *child_tid,        %rcx  (-> %r10 for the syscall)
 *                          unsigned long tls,     %r8
 *                          int (*fn)(void *),     %r9
 *                          void *arg);            8(%rsp)
 *
 * Makes the legacy clone system call (56) with the flags word exactly as given.
 * In the caller it returns the kernel's return value (tid or -errno). The child
 * starts on stack_top with fn and arg already placed there, calls fn(arg) and
 * ends with SYS_exit (this thread only) and fn's return value. Between the
 * system call and fn the child touches only its own stack.
 */
	.text
	.globl	clonediff_raw_clone
	.type	clonediff_raw_clone, @function
clonediff_raw_clone:
	.cfi_startproc
	movq	8(%rsp), %rax		/* arg */
	andq	$-16, %rsi		/* 16-byte aligned top */
	subq	$16, %rsi
	movq	%r9, 0(%rsi)		/* fn  */
	movq	%rax, 8(%rsi)		/* arg */
	movq	%rcx, %r10
	movl	$56, %eax		/* SYS_clone */
	syscall
	testq	%rax, %rax
	jz	1f
	ret				/* caller: tid or -errno */
1:
	/* child: %rsp == stack_top - 16 */
	.cfi_undefined rip
	xorl	%ebp, %ebp
	popq	%rax			/* fn  */
	popq	%rdi			/* arg */
	call	*%rax			/* %rsp is 16-aligned before the call */
	movl	%eax, %edi
	movl	$60, %eax		/* SYS_exit */
	syscall
	hlt
	.cfi_endproc
	.size	clonediff_raw_clone, .-clonediff_raw_clone

	.section .note.GNU-stack, "", @progbits

/*
 * void clonediff_signal_return(void);
 *   The sa_restorer of handlers installed with the raw rt_sigaction system
 *   call (glibc's sigaction refuses signals 32 and 33, which it reserves):
 *   the kernel returns from a handler into it, and it makes rt_sigreturn.
 */
	.text
	.globl	clonediff_signal_return
	.type	clonediff_signal_return, @function
clonediff_signal_return:
	.cfi_startproc
	.cfi_signal_frame
	movl	$15, %eax		/* SYS_rt_sigreturn */
	syscall
	hlt
	.cfi_endproc
	.size	clonediff_signal_return, .-clonediff_signal_return

	.section .note.GNU-stack, "", @progbits

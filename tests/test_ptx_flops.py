"""The GPU benchmark's static PTX flop counter (benchmarks/ptx_flops.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))


def test_ptx_fp64_flop_count():
    from ptx_flops import ptx_fp64_flops

    ptx = """
.func  (.param .b64 func_retval0) helper
(
	.param .b64 helper_param_0
)
;
.func  (.param .b64 func_retval0) slowpath_thing(
	.param .b64 slowpath_thing_param_0
)
{
	mul.rn.f64 	%fd1, %fd1, %fd1;
	mul.rn.f64 	%fd1, %fd1, %fd1;
}
.visible .entry kernel(
	.param .u64 kernel_param_0
)
{
	add.f64 	%fd3, %fd1, %fd2;
	fma.rn.f64 	%fd4, %fd3, %fd3, %fd1;
	@%p1 mul.rn.f64 	%fd5, %fd4, %fd4;
	add.s64 	%rd2, %rd1, 8;
	ld.global.f64 	%fd6, [%rd2];
	setp.lt.f64 	%p2, %fd6, %fd5;
	call.uni (retval0),
	helper,
	(param0);
	call.uni (retval0),
	helper,
	(param0);
	call.uni (retval0),
	slowpath_thing,
	(param0);
}
.func  (.param .b64 func_retval0) helper(
	.param .b64 helper_param_0
)
{
	sqrt.rn.f64 	%fd2, %fd1;
	div.rn.f64 	%fd3, %fd2, %fd1;
}
"""
    # kernel: add 1 + fma 2 + predicated mul 1 (loads, integer adds, comparisons are not flops), plus
    # helper (sqrt + div = 2) at each of its 2 call sites; the slow path counts 0
    assert ptx_fp64_flops(ptx) == 4 + 2 * 2
    assert ptx_fp64_flops(ptx, skip=()) == 4 + 2 * 2 + 2

# Makes safetensors_fixture.safetensors: a file written by the official safetensors package.
#
# tests/io/safetensors_test.cc (ReadsFileWrittenByReferenceImplementation) loads it with
# tandem::io::load_safetensors and checks every value, so that our reader is tested against
# another implementation's writer rather than only against our own.
#
# Run from the repository root with the pyenv python3 (pip install safetensors numpy):
#   python3 tests/reference/make_safetensors_fixture.py
# The committed file was made with safetensors 0.8.0 and numpy 2.4.6. The contents are
# deterministic (no random numbers; the reference writer orders tensors by dtype, then name),
# but the bytes are not quite: the writer keeps metadata in a hash map, so the order of the two
# metadata keys in the header changes from run to run. Either order is a valid file.
#
# Contents (the test hard-codes the same expectations):
#   F32 tensors of ranks 4, 2, 1 and 0 plus an empty one, with value[i] = i * 0.25 - 1
#     (exact in float32), except "scale" = 3.5;
#   "half"   F16  [10]   bit patterns 0, -0, 1, -2.25, 65504 (max), 2^-24 (smallest subnormal),
#                        1023 * 2^-24 (largest subnormal), inf, -inf, NaN;
#   "brain"  BF16 [2, 2] 1, -3.5, 0.15625, 2^-133 (a float32 subnormal);
#   "double" F64  [4]    0.1, -1e300 (beyond float: -inf), 1e-50 (underflows to 0), 2.5;
#   metadata {"format": "np", "producer": "make_safetensors_fixture.py"}.
# numpy has no bfloat16, so BF16 goes in as raw uint16 bit patterns through the package's
# low-level serialize_file, which is what safetensors.numpy.save_file calls as well.

import os

import numpy as np
import safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "safetensors_fixture.safetensors")


def ramp(shape):
    n = int(np.prod(shape)) if shape else 1
    return (np.arange(n, dtype=np.float32) * np.float32(0.25) - np.float32(1)).reshape(shape)


def spec(array, dtype):
    # (Not np.ascontiguousarray: it turns a 0-d array into shape (1,).)
    assert array.flags["C_CONTIGUOUS"]
    assert array.dtype.byteorder in ("<", "=", "|"), "expected a little-endian host"
    if hasattr(safetensors, "TensorSpec"):  # safetensors >= 0.7
        return safetensors.TensorSpec(
            dtype=dtype, shape=list(array.shape), data_ptr=array.ctypes.data, data_len=array.nbytes
        )
    return {"dtype": dtype, "shape": list(array.shape), "data": array.tobytes()}


def main():
    arrays = {
        "decoder.rnn.weight": (ramp((2, 3, 2, 2)), "float32"),
        "encoder.embedding.weight": (ramp((3, 4)), "float32"),
        "output.bias": (ramp((5,)), "float32"),
        "scale": (np.array(3.5, dtype=np.float32), "float32"),
        "empty": (np.zeros((0, 3), dtype=np.float32), "float32"),
        "half": (
            np.array(
                [0x0000, 0x8000, 0x3C00, 0xC080, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x7E00],
                dtype=np.uint16,
            ).view(np.float16),
            "float16",
        ),
        "brain": (np.array([[0x3F80, 0xC060], [0x3E20, 0x0001]], dtype=np.uint16), "bfloat16"),
        "double": (np.array([0.1, -1e300, 1e-50, 2.5], dtype=np.float64), "float64"),
    }
    specs = {name: spec(array, dtype) for name, (array, dtype) in arrays.items()}
    metadata = {"format": "np", "producer": "make_safetensors_fixture.py"}
    safetensors.serialize_file(specs, OUT, metadata=metadata)

    # Read it back with the same package, as a check of this script.
    with safetensors.safe_open(OUT, framework="np") as f:
        assert f.metadata() == metadata
        for name, (array, dtype) in arrays.items():
            if dtype == "bfloat16":
                continue  # numpy cannot represent it
            got = f.get_tensor(name)
            assert got.shape == array.shape and got.tobytes() == array.tobytes(), name
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes) with safetensors {safetensors.__version__}")


if __name__ == "__main__":
    main()

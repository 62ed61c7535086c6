// Safetensors reading and writing: named float32 tensors in the format any safetensors tool reads.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace tandem {
class ParameterStore;
}

namespace tandem::io {

// The format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON header {"name": {"dtype": "F32", "shape": [...], "data_offsets":
// [begin, end]}, ..., "__metadata__": {string: string}}, then the raw little-endian data, with
// offsets relative to the start of the data.

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using Metadata = std::map<std::string, std::string>;

// Writes `tensors` as F32, in the given order, atomically (see io/atomic_file.h): `path` holds
// either its old contents or the whole new file. Throws tandem::Error naming the file on
// duplicate or reserved ("__metadata__") names, a tensor without data, names or metadata that
// are not valid UTF-8, or a failed write.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const Metadata& metadata = {});

struct SafetensorsFile {
  NamedTensors tensors;  // heap-owned, in the order of their data in the file
  Metadata metadata;     // the "__metadata__" entry, empty if there is none
};

// Reads every tensor of `path`. F32 is read as is; F16, BF16 and F64 are converted to float32
// (F64 rounds to nearest; values beyond float's range become infinities). Throws tandem::Error
// naming the file, and the tensor where there is one, on anything malformed: a short or
// truncated file, a bad header, an unsupported dtype, sizes that disagree with the shape,
// overlapping data, or more than 4 dimensions. It never reads outside the file.
SafetensorsFile load_safetensors(const std::string& path);

// Saves every parameter's value under its scoped name, in creation order.
void save_parameters(const std::string& path, const ParameterStore& store,
                     const Metadata& metadata = {});

// Copies the tensors of `path` into the store's parameters of the same name. The file and the
// store must hold exactly the same names with the same shapes; otherwise throws tandem::Error
// listing every difference, having changed nothing.
void load_parameters(const std::string& path, ParameterStore& store);
// The same from a file already read (`path` names it in messages).
void copy_parameters(const SafetensorsFile& file, const std::string& path, ParameterStore& store);

}  // namespace tandem::io

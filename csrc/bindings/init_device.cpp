// Devices as Python sees them (tapeflow/_device.py, tapeflow/config.py): the tf.device scope,
// copies between devices, GPU queries and memory statistics. In a build without CUDA the GPU
// queries answer "no GPU".
#include <pybind11/stl.h>

#include "bindings/init.h"
#include "core/device.h"
#include "ops/device.h"

#ifdef TAPEFLOW_HAS_CUDA
#include "core/cuda/runtime.h"
#endif

namespace tapeflow::bindings {
namespace {

// ("CPU", 0) / ("GPU", n) <-> Device
Device to_device_spec(const std::string& type, int index) {
  if (type == "CPU") return Device{DeviceType::CPU, index};
  TF_CHECK_ARG(type == "GPU", "unknown device type '", type, "' (expected 'CPU' or 'GPU')");
  return Device{DeviceType::CUDA, index};
}

py::tuple from_device(Device d) {
  return py::make_tuple(d.is_cpu() ? "CPU" : "GPU", d.index);
}

// Raises unless `index` names a visible GPU.
int check_gpu(int index) {
  TF_CHECK_ARG(index >= 0 && index < visible_gpu_count(), "GPU:", index, " does not exist (",
               visible_gpu_count(), " GPU(s) visible)");
  return index;
}

}  // namespace

void init_device(py::module_& m) {
#ifdef TAPEFLOW_HAS_CUDA
  m.attr("built_with_cuda") = true;
#else
  m.attr("built_with_cuda") = false;
#endif
  m.def("physical_gpu_count", [] {
#ifdef TAPEFLOW_HAS_CUDA
    return cuda::device_count();
#else
    return 0;
#endif
  });
  m.def("visible_gpu_count", &visible_gpu_count);
  m.def("hide_gpus", &hide_gpus);
  m.def("default_device", [] { return from_device(default_device()); });
  m.def("placement_device", [] { return from_device(placement_device()); });
  m.def("scope_device", []() -> py::object {
    Device d;
    return scope_device(&d) ? py::object(from_device(d)) : py::none();
  });
  m.def(
      "set_scope_device",
      [](std::optional<std::string> type, int index) {
        set_scope_device(type.has_value(), type ? to_device_spec(*type, index) : Device{});
      },
      py::arg("type"), py::arg("index") = 0);
  m.def(
      "to_device",
      [](const Tensor& x, const std::string& type, int index) {
        const Device d = to_device_spec(type, index);
        if (!d.is_cpu()) check_gpu(index);
        return graph::call("to_device", ops::to_device, x, d);
      },
      py::arg("x"), py::arg("type"), py::arg("index") = 0, ReleaseGil());
  m.def("place", traced("place", &ops::place), py::arg("x"), ReleaseGil());

#ifdef TAPEFLOW_HAS_CUDA
  m.def("gpu_properties", [](int index) {
    const cuda::DeviceProperties p = cuda::device_properties(check_gpu(index));
    py::dict d;
    d["device_name"] = p.name;
    d["compute_capability"] = py::make_tuple(p.major, p.minor);
    d["multiprocessors"] = p.multiprocessors;
    d["total_memory"] = p.total_memory;
    return d;
  });
  m.def("gpu_memory_info", [](int index) {
    const cuda::MemoryStats s = cuda::memory_stats(check_gpu(index));
    py::dict d;
    d["current"] = s.bytes_in_use;
    d["peak"] = s.peak_bytes_in_use;
    d["cached"] = s.bytes_cached;
    d["device_allocations"] = s.device_allocations;
    return d;
  });
  m.def("reset_gpu_peak_memory", [](int index) { cuda::reset_peak_memory(check_gpu(index)); });
  m.def(
      "gpu_synchronize", [](int index) { cuda::synchronize(check_gpu(index)); }, ReleaseGil());
  m.def("set_tf32_enabled", &cuda::set_tf32_enabled, py::arg("enabled"));
  m.def("tf32_enabled", &cuda::tf32_enabled);
#endif
}

}  // namespace tapeflow::bindings

#!/usr/bin/env bash
# Build LLVM's OpenMP runtime for the macOS deployment target of the wheel being
# built (Homebrew's libomp targets the runner's own macOS, which would make the
# wheel refuse to load on older systems). Installs to /usr/local/opt/libomp.
set -euo pipefail
VERSION="${LIBOMP_VERSION:-18.1.8}"
TARGET="${MACOSX_DEPLOYMENT_TARGET:-11.0}"
ARCH="${CIBW_ARCHS_MACOS:-$(uname -m)}"
WORK="$(mktemp -d)"
cd "$WORK"
curl -fsSL -o openmp.tar.xz "https://github.com/llvm/llvm-project/releases/download/llvmorg-${VERSION}/openmp-${VERSION}.src.tar.xz"
curl -fsSL -o cmake.tar.xz "https://github.com/llvm/llvm-project/releases/download/llvmorg-${VERSION}/cmake-${VERSION}.src.tar.xz"
tar xf openmp.tar.xz && tar xf cmake.tar.xz && mv "cmake-${VERSION}.src" cmake
cmake -S "openmp-${VERSION}.src" -B build -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX=/usr/local/opt/libomp -DCMAKE_OSX_DEPLOYMENT_TARGET="$TARGET" \
  -DCMAKE_OSX_ARCHITECTURES="$ARCH" -DLIBOMP_INSTALL_ALIASES=OFF
cmake --build build --parallel
sudo cmake --install build

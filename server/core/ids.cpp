#include "server/core/ids.h"

#include "server/core/crypto.h"

#include <cctype>
#include <chrono>
#include <cstdint>

namespace registry::core {

bool isUuid(const std::string& text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
}

namespace {

std::string formatUuid(std::string bytes, unsigned version) {
    bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0F) | (version << 4));
    bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3F) | 0x80);
    const std::string hex = crypto::toHex(bytes);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20);
}

}  // namespace

std::string randomUuid() { return formatUuid(crypto::randomBytes(16), 4); }

std::string timeOrderedUuid() {
    const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count());
    std::string bytes = crypto::randomBytes(16);
    for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<char>((ms >> (8 * (5 - i))) & 0xFF);
    return formatUuid(std::move(bytes), 7);
}

}  // namespace registry::core

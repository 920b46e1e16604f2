#include "server/core/qr_code.h"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace registry::core {
namespace {

struct QrFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};

constexpr int kQuietZone = 4;  // modules of white border that readers need around the symbol

}  // namespace

std::string qrCodeSvg(const std::string& text) {
    std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M));
    if (!code) throw std::runtime_error("QR code: the text cannot be encoded");
    const int width = code->width;
    const int size = width + 2 * kQuietZone;
    std::string path;
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            // Bit 0 of each module byte is "dark"; the other bits describe the module's role.
            if (code->data[y * width + x] & 1) {
                path += "M" + std::to_string(x + kQuietZone) + "," + std::to_string(y + kQuietZone) + "h1v1h-1z";
            }
        }
    }
    const std::string dims = std::to_string(size);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + dims + " " + dims +
           "\" shape-rendering=\"crispEdges\"><rect width=\"" + dims + "\" height=\"" + dims +
           "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace registry::core

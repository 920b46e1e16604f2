#pragma once

#include <string>

namespace registry::core {

// The text as a QR code (libqrencode, error correction level M), drawn as a self-contained SVG
// document: the web app can show it inline and nothing leaves the server to be drawn elsewhere
// (the text holds a TOTP secret). Throws std::runtime_error if the text does not fit.
std::string qrCodeSvg(const std::string& text);

}  // namespace registry::core

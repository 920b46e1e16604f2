#include <boost/test/unit_test.hpp>

#include "server/core/crypto.h"
#include "server/core/pseudonym.h"
#include "tests/support/temp_key_file.h"


#include <cstdlib>
#include <stdexcept>
#include <string>

using registry::core::KeyFileError;
using registry::core::normaliseReference;
using registry::core::Pseudonymiser;
using registry::test::TempKeyFile;

namespace {

std::string key32(char fill) { return std::string(32, fill); }

const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// The refusal names the path and leaks no key material.
void checkRefused(const std::string& path, const std::string& content = std::string()) {
    try {
        (void)Pseudonymiser::fromKeyFile(path, 1);
        BOOST_ERROR("key file accepted: " << path);
    } catch (const KeyFileError& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find(path) != std::string::npos, message);
        if (content.size() >= 8) BOOST_TEST(message.find(content.substr(0, 8)) == std::string::npos, message);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pseudonymisation)

BOOST_AUTO_TEST_CASE(normalisation_examples) {
    BOOST_TEST(normaliseReference(" pl0912-2026 123456 ") == "PL09122026123456");
    BOOST_TEST(normaliseReference("PL09122026123456") == "PL09122026123456");
    BOOST_TEST(normaliseReference("\tab-cd\r\n") == "ABCD");
    BOOST_TEST(normaliseReference("ab\xE2\x80\x93" "cd") == "ABCD");            // en dash
    BOOST_TEST(normaliseReference("ab\xE2\x80\x94" "cd") == "ABCD");            // em dash
    BOOST_TEST(normaliseReference("ab\xC2\xA0" "cd") == "ABCD");                // no-break space
    BOOST_TEST(normaliseReference("\xC2\xA0" "ab\xE2\x80\x91" "cd ") == "ABCD");  // non-breaking hyphen
    BOOST_TEST(normaliseReference("ab\xE2\x88\x92" "cd") == "ABCD");            // minus sign
    BOOST_TEST(normaliseReference("").empty());
    BOOST_TEST(normaliseReference(" - \xE2\x80\x93 ").empty());
    // Only ASCII is case-folded; other UTF-8 is kept byte for byte.
    BOOST_TEST(normaliseReference("caf\xC3\xA9") == "CAF\xC3\xA9");
    BOOST_TEST(normaliseReference("a_b.c/d") == "A_B.C/D");
    // A lone lead byte at the end must not be read past.
    BOOST_TEST(normaliseReference("a\xE2\x80") == "A\xE2\x80");
    BOOST_TEST(normaliseReference("a\xC2") == "A\xC2");
}

BOOST_AUTO_TEST_CASE(known_pseudonym_value) {
    // Independently computed: HMAC-SHA256(key = bytes 0..31, "PL09122026123456").
    const Pseudonymiser p(1, registry::crypto::fromHex(kKeyHex));
    BOOST_TEST(p.pseudonymise(" pl0912-2026 123456 ") ==
               "30a9f689f35dcfd44e3c7aeb6186c1752f680dfbaadcad2329c8618742daa4ce");
    BOOST_TEST(p.keyVersion() == 1);
}

BOOST_AUTO_TEST_CASE(same_input_same_pseudonym) {
    const Pseudonymiser p(3, key32('k'));
    const std::string a = p.pseudonymise("PL09122026");
    BOOST_TEST(a == p.pseudonymise("PL09122026"));
    BOOST_TEST(a.size() == 64u);
    BOOST_TEST(a.find_first_not_of("0123456789abcdef") == std::string::npos);
    BOOST_TEST(p.keyVersion() == 3);
    BOOST_TEST(Pseudonymiser(4, key32('k')).pseudonymise("PL09122026") == a);
}

BOOST_AUTO_TEST_CASE(normalisation_makes_variants_equal) {
    const Pseudonymiser p(1, key32('k'));
    BOOST_TEST(p.pseudonymise("pl-0912 2026") == p.pseudonymise("PL09122026"));
    BOOST_TEST(p.pseudonymise("pl\xE2\x80\x93" "0912\xC2\xA0" "2026") == p.pseudonymise("PL09122026"));
    BOOST_TEST(p.pseudonymise("PL09122027") != p.pseudonymise("PL09122026"));
}

BOOST_AUTO_TEST_CASE(different_keys_different_pseudonyms) {
    const Pseudonymiser a(1, key32('a'));
    const Pseudonymiser b(2, key32('b'));
    BOOST_TEST(a.pseudonymise("PL09122026") != b.pseudonymise("PL09122026"));
}

BOOST_AUTO_TEST_CASE(empty_reference_rejected) {
    const Pseudonymiser p(1, key32('k'));
    BOOST_CHECK_THROW(p.pseudonymise(""), std::invalid_argument);
    BOOST_CHECK_THROW(p.pseudonymise("  - \t"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(short_key_rejected) {
    BOOST_CHECK_THROW(Pseudonymiser(1, std::string(31, 'k')), std::invalid_argument);
    BOOST_CHECK_NO_THROW(Pseudonymiser(1, std::string(32, 'k')));
}

BOOST_AUTO_TEST_CASE(rekey_per_export) {
    const Pseudonymiser p(1, key32('k'));
    const std::string stored = p.pseudonymise("PL09122026");
    const std::string exportA = registry::crypto::randomBytes(32);
    const std::string exportB = registry::crypto::randomBytes(32);
    const std::string a = Pseudonymiser::rekey(exportA, stored);
    BOOST_TEST(a == Pseudonymiser::rekey(exportA, stored));
    BOOST_TEST(a != Pseudonymiser::rekey(exportB, stored));
    BOOST_TEST(a != stored);
    BOOST_TEST(a.size() == 64u);
    BOOST_TEST(a == registry::crypto::toHex(registry::crypto::hmacSha256(exportA, stored)));
    BOOST_CHECK_THROW(Pseudonymiser::rekey(std::string(31, 'x'), stored), std::invalid_argument);
    BOOST_CHECK_THROW(Pseudonymiser::rekey(exportA, ""), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(key_file_accepted_0600_and_0400) {
    const Pseudonymiser direct(1, registry::crypto::fromHex(kKeyHex));
    for (mode_t mode : {mode_t(0600), mode_t(0400)}) {
        TempKeyFile file("  " + kKeyHex + "\n\n", mode);
        const Pseudonymiser fromFile = Pseudonymiser::fromKeyFile(file.path, 7);
        BOOST_TEST(fromFile.keyVersion() == 7);
        BOOST_TEST(fromFile.pseudonymise("PL09122026") == direct.pseudonymise("PL09122026"));
    }
    TempKeyFile upper(registry::crypto::toHex(key32('\xab')) + "\r\n", 0600);
    BOOST_CHECK_NO_THROW(Pseudonymiser::fromKeyFile(upper.path, 1));
}

BOOST_AUTO_TEST_CASE(key_file_refused_when_group_or_world_accessible) {
    for (mode_t mode : {mode_t(0644), mode_t(0640), mode_t(0604), mode_t(0660), mode_t(0610), mode_t(0601),
                        mode_t(0440), mode_t(0404), mode_t(0777)}) {
        TempKeyFile file(kKeyHex + "\n", mode);
        checkRefused(file.path, kKeyHex);
    }
}

BOOST_AUTO_TEST_CASE(key_file_refused_when_too_short) {
    const std::string shortKey = kKeyHex.substr(0, 62);
    TempKeyFile file(shortKey + "\n", 0600);
    checkRefused(file.path, shortKey);
    TempKeyFile empty("", 0600);
    checkRefused(empty.path);
    TempKeyFile blank(" \n", 0600);
    checkRefused(blank.path);
}

BOOST_AUTO_TEST_CASE(key_file_refused_when_not_hex) {
    const std::string notHex = "zz" + kKeyHex.substr(2);
    TempKeyFile file(notHex + "\n", 0600);
    checkRefused(file.path, notHex);
    TempKeyFile odd(kKeyHex + "0\n", 0600);
    checkRefused(odd.path, kKeyHex);
    TempKeyFile inner(kKeyHex.substr(0, 32) + " " + kKeyHex.substr(32) + "\n", 0600);
    checkRefused(inner.path, kKeyHex);
    TempKeyFile binary(registry::crypto::randomBytes(64), 0600);
    checkRefused(binary.path);
}

BOOST_AUTO_TEST_CASE(key_file_refused_when_missing_or_not_a_file) {
    checkRefused("/nonexistent/registry/pseudonym.key");
    checkRefused("/tmp");
}

BOOST_AUTO_TEST_CASE(generated_key_file_content) {
    const std::string content = registry::core::generateKeyFileContent();
    BOOST_TEST(content.size() == 129u);
    BOOST_TEST(content.back() == '\n');
    BOOST_TEST(content.substr(0, 128).find_first_not_of("0123456789abcdef") == std::string::npos);
    BOOST_TEST(content != registry::core::generateKeyFileContent());
    TempKeyFile file(content, 0600);
    BOOST_CHECK_NO_THROW(Pseudonymiser::fromKeyFile(file.path, 1));
}

BOOST_AUTO_TEST_SUITE_END()

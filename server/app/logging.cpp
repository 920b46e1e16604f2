#include "server/app/logging.h"

#include "server/app/config.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Formatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>

#include <sstream>

namespace registry::app {
namespace {

// One JSON object per line, for log shippers.
class JsonFormatter : public Poco::Formatter {
public:
    void format(const Poco::Message& msg, std::string& text) override {
        Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
        out.set("time", Poco::DateTimeFormatter::format(msg.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
        static const char* const names[] = {"", "fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"};
        out.set("level", names[msg.getPriority()]);
        out.set("logger", msg.getSource());
        out.set("message", msg.getText());
        std::ostringstream s;
        out.stringify(s);
        text = s.str();
    }
};

}  // namespace

void configureLogging(const std::string& level, const std::string& format) {
    Poco::AutoPtr<Poco::Formatter> formatter;
    if (format == "json") {
        formatter = new JsonFormatter;
    } else if (format == "text") {
        formatter = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t");
    } else {
        throw ConfigError("log.format", "must be text or json, got '" + format + "'");
    }
    int priority;
    try {
        priority = Poco::Logger::parseLevel(level);
    } catch (const Poco::Exception&) {
        throw ConfigError("log.level", "must be one of trace, debug, information, notice, warning, error, critical, fatal");
    }
    Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel);
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::setLevel("", priority);
    Poco::Logger::setChannel("", channel);
}

}  // namespace registry::app

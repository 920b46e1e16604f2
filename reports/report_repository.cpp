#include "reports/report_repository.h"

#include "server/core/crypto.h"
#include "server/db/query.h"

#include <sstream>

namespace registry::reports {
namespace {

// The rows a report counts: submitted or locked exams with exam_at in [from, to] (dates in
// Europe/Amsterdam), in the region scope. $1 region ('' = all), $2 from, $3 to.
const char* const kScope = R"SQL(
  f.status IN ('submitted', 'locked')
  AND f.exam_at >= ($2::date::timestamp AT TIME ZONE 'Europe/Amsterdam')
  AND f.exam_at < (($3::date + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')
  AND ($1 = '' OR f.region = $1))SQL";

std::string periodExpression(Granularity g) {
    return g == Granularity::Month
               ? "to_char(date_trunc('month', f.exam_at AT TIME ZONE 'Europe/Amsterdam'), 'YYYY-MM')"
               : "to_char(date_trunc('quarter', f.exam_at AT TIME ZONE 'Europe/Amsterdam'), 'YYYY-\"Q\"Q')";
}

}  // namespace

namespace {

// One query over the rows in scope: `measures` per `grouping` (a GROUP BY clause).
pqxx::result runAggregate(pqxx::transaction_base& tx, const AggregateRequest& request,
                          const std::vector<std::string>& measures, const std::string& grouping) {
    bool needsRepeat = false;
    for (const auto& m : measures) needsRepeat = needsRepeat || m.find("repeat_victim") != std::string::npos;
    std::ostringstream sql;
    // Repeat victims are counted over every region and period: the pseudonym links them.
    if (needsRepeat) {
        sql << "WITH repeat_victims AS (SELECT victim_pseudonym FROM exam_facts WHERE status IN ('submitted', 'locked') "
               "AND victim_pseudonym IS NOT NULL GROUP BY 1 HAVING count(*) > 1)\n";
    }
    sql << "SELECT GROUPING(f.region), GROUPING(f.period), f.region, f.period";
    for (const auto& m : measures) sql << ",\n  " << m;
    sql << "\nFROM (SELECT f.*, " << periodExpression(request.granularity) << " AS period, "
        << (needsRepeat ? "(rv.victim_pseudonym IS NOT NULL)" : "false") << " AS repeat_victim\n"
        << "        FROM exam_facts f"
        << (needsRepeat ? " LEFT JOIN repeat_victims rv ON rv.victim_pseudonym = f.victim_pseudonym" : "")
        << "\n       WHERE " << kScope << ") f\n"
        << grouping;
    return tx.exec_params(sql.str(), request.region, request.from, request.to);
}

}  // namespace

AggregateResult ReportRepository::aggregate(pqxx::transaction_base& tx, const AggregateRequest& request) {
    // Counts add up, so they are computed once per (region, period) and summed into the margins
    // here (a few dozen aggregated rows, never records); only the statistics that do not add up
    // (medians, quantiles) need PostgreSQL's GROUPING SETS, which evaluate every aggregate once
    // per set.
    std::vector<std::size_t> additive, other;
    std::vector<std::string> additiveSql, otherSql;
    for (std::size_t i = 0; i < request.measures.size(); ++i) {
        const bool isCount = request.measures[i].rfind("count(", 0) == 0;
        (isCount ? additive : other).push_back(i);
        (isCount ? additiveSql : otherSql).push_back(request.measures[i]);
    }
    AggregateResult result;
    auto cellOf = [&](const std::string& r, const std::string& p) -> std::vector<std::optional<double>>& {
        auto& cell = result.cells[{r, p}];
        if (cell.empty()) cell.resize(request.measures.size());
        return cell;
    };
    if (!additive.empty()) {
        for (const auto& row : runAggregate(tx, request, additiveSql, "GROUP BY f.region, f.period")) {
            const std::string region = row[2].as<std::string>(), period = row[3].as<std::string>();
            for (const auto& [r, p] : std::vector<std::pair<std::string, std::string>>{
                     {region, period}, {region, "*"}, {"*", period}, {"*", "*"}}) {
                auto& cell = cellOf(r, p);
                for (std::size_t k = 0; k < additive.size(); ++k) {
                    const double v = row[static_cast<int>(k) + 4].as<double>();
                    auto& slot = cell[additive[k]];
                    slot = slot.value_or(0) + v;
                }
            }
        }
    }
    if (!other.empty()) {
        for (const auto& row : runAggregate(tx, request, otherSql,
                                            "GROUP BY GROUPING SETS ((f.region, f.period), (f.region), (f.period), ())")) {
            const std::string region = row[0].as<int>() ? "*" : row[2].as<std::string>();
            const std::string period = row[1].as<int>() ? "*" : row[3].as<std::string>();
            auto& cell = cellOf(region, period);
            for (std::size_t k = 0; k < other.size(); ++k) {
                const auto& field = row[static_cast<int>(k) + 4];
                cell[other[k]] = field.is_null() ? std::nullopt : std::optional<double>(field.as<double>());
            }
        }
    }
    return result;
}

DataFingerprint ReportRepository::fingerprint(pqxx::transaction_base& tx, const AggregateRequest& request) {
    // Two independent 60-bit slices of an MD5 per record, summed: the same set of (id, version,
    // outcome version) gives the same sums whatever the row order; one amendment changes them.
    const std::string sql = std::string(R"SQL(
SELECT count(*), coalesce(string_agg(DISTINCT f.form_version::text, ',' ORDER BY f.form_version::text), ''),
       coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint::numeric), 0)::text,
       coalesce(sum(('x' || substr(h, 16, 15))::bit(60)::bigint::numeric), 0)::text
  FROM (SELECT f.form_version, md5(f.exam_id::text || ':' || f.version || ':' || coalesce(f.outcome_version, 0)) AS h
          FROM exam_facts f WHERE )SQL") + kScope + ") f";
    auto row = tx.exec_params(sql, request.region, request.from, request.to)[0];
    DataFingerprint fp;
    fp.records = row[0].as<long long>();
    std::stringstream versions(row[1].as<std::string>());
    for (std::string v; std::getline(versions, v, ',');) fp.formVersions.push_back(std::stoi(v));
    fp.digest = crypto::sha256Hex(std::to_string(fp.records) + ":" + row[2].as<std::string>() + ":" +
                                  row[3].as<std::string>());
    return fp;
}

static const db::Query kRegions{"report_regions", "SELECT code, name_nl FROM regions ORDER BY sort_order"};
std::vector<std::pair<std::string, std::string>> ReportRepository::regions(pqxx::transaction_base& tx) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& row : db::exec(tx, kRegions)) out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    return out;
}

static const db::Query kForms{"report_form_definitions",
                              "SELECT version, definition::text FROM form_definitions ORDER BY version"};
std::vector<std::pair<int, std::string>> ReportRepository::formDefinitions(pqxx::transaction_base& tx) {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& row : db::exec(tx, kForms)) out.emplace_back(row[0].as<int>(), row[1].as<std::string>());
    return out;
}

static const db::Query kDismissalCodes{"report_dismissal_codes", R"SQL(
SELECT DISTINCT ON (code) code, label_nl, label_en FROM dismissal_codes ORDER BY code, list_version DESC)SQL"};
std::vector<core::CodeDef> ReportRepository::codeList(pqxx::transaction_base& tx, const std::string& ref) {
    std::vector<core::CodeDef> out;
    if (ref != "dismissal_codes") return out;  // the only list the schema holds
    for (const auto& row : db::exec(tx, kDismissalCodes)) {
        out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    }
    return out;
}

}  // namespace registry::reports

import AccreditContent
import AccreditEngine
import AccreditMustache
import AccreditSupport

/// One kind of output file of the site, a row of `PageTable`: the route an item's file is written to, what
/// its key is made of, and how it is made (its template and how its model is made from the site and the
/// item: a partner, a case, a page number…). `JobPlanner.job(_:_:)` makes the job of a row and an item.
struct PageSpec<Item: Sendable>: Sendable {
  /// How a kind of file is made.
  enum Making: Sendable {
    /// A page in the frame (`layout`, `SiteContext.framed`): what the frame shows of it, and the value of its
    /// body, rendered with `template`.
    case page(
      template: String, frame: @Sendable (SiteContext, Item) -> Frame,
      model: @Sendable (SiteContext, Item) throws -> TemplateValue)
    /// A file rendered with `template` from its model alone.
    case file(template: String, model: @Sendable (SiteContext, Item) throws -> TemplateValue)
    /// A file written by code, without a template.
    case bytes(@Sendable (SiteContext, Item) -> [UInt8])
  }

  /// The kind's name, for the lists made from the table.
  let name: String
  /// The file of an item.
  let route: @Sendable (Item) -> Route
  /// What an item's key is made of.
  let key: KeyRule<Item>
  /// How an item's file is made.
  let making: Making

  /// The template the kind is rendered with; nil for a file written by code.
  var template: String? {
    switch making {
    case .page(let template, _, _), .file(let template, _): template
    case .bytes: nil
    }
  }

  /// The row without its item type: what the lists made from the table read.
  var kind: PageKind { PageKind(name: name, template: template, key: key.name) }

  /// A page in the frame, rendered with `template` from the body `model` makes (`TemplateEncoder`).
  static func page<Body: Encodable & Sendable>(
    _ name: String, template: String, route: @escaping @Sendable (Item) -> Route, key: KeyRule<Item>,
    frame: @escaping @Sendable (SiteContext, Item) -> Frame, model: @escaping @Sendable (SiteContext, Item) -> Body
  ) -> PageSpec {
    PageSpec(
      name: name, route: route, key: key,
      making: .page(template: template, frame: frame) { site, item in try TemplateEncoder.encode(model(site, item)) })
  }

  /// A file rendered with `template` from the value `model` makes (`TemplateEncoder`), without the frame.
  static func file<Model: Encodable & Sendable>(
    _ name: String, template: String, route: @escaping @Sendable (Item) -> Route, key: KeyRule<Item>,
    model: @escaping @Sendable (SiteContext, Item) -> Model
  ) -> PageSpec {
    PageSpec(
      name: name, route: route, key: key,
      making: .file(template: template) { site, item in try TemplateEncoder.encode(model(site, item)) })
  }

  /// A file written by `bytes`.
  static func bytes(
    _ name: String, route: @escaping @Sendable (Item) -> Route, key: KeyRule<Item>,
    bytes: @escaping @Sendable (SiteContext, Item) -> [UInt8]
  ) -> PageSpec {
    PageSpec(name: name, route: route, key: key, making: .bytes(bytes))
  }
}

/// A row of `PageTable` without its item type.
struct PageKind: Sendable, Equatable {
  /// The kind's name.
  let name: String
  /// Its template; nil for a file written by code.
  let template: String?
  /// The name of its key rule (`KeyRule.name`).
  let key: String
}

/// What the frame (`layout`) shows of a page besides its body.
struct Frame: Sendable {
  /// The page's title.
  var title: String
  /// Its meta description.
  var description: String
  /// The navigation entry it is (`SiteContext.encodedNavigation`), `""` for none.
  var current = ""
  /// The way to the site root, when not the route's own (the 404 page, served at any depth).
  var root: String? = nil
}

/// What the key of a kind of file is made of: the inputs the file shows (`InputKeys`), read from the item.
///
/// A rule is named (`PageTable` reads `key: .partner`) and makes the key of an item's file while planning;
/// the rules that read an item's own inputs are declared for that item's type alone, so that the compiler
/// checks that a row's rule fits its items.
struct KeyRule<Item>: Sendable {
  /// The rule's name.
  let name: String
  /// The key of an item's file.
  let make: @Sendable (JobPlanner, Item) -> UInt64

  /// The site's title, navigation, date and standards, which every page shows: a page that shows nothing
  /// else (the standards, the 404 page).
  static var global: KeyRule { KeyRule(name: "global") { planner, _ in planner.keys.global } }

  /// Every record and every case's data: a file that shows every partner's record (the overview,
  /// `api/partners.json`, `api/accreditations.csv`).
  static var everything: KeyRule { KeyRule(name: "everything") { planner, _ in planner.keys.everything } }

  /// Every partner's evaluation and history, and nothing the records hold that no evaluation reads (the
  /// region, the website, the PDM: `InputKeys.evaluated`): a file made from the evaluations, the cases and
  /// the standards alone (the history pages, the feed, the board's agenda, `api/status.json`,
  /// `api/history.json`), which a region, website or PDM edit does not render.
  static var evaluated: KeyRule { KeyRule(name: "evaluated") { planner, _ in planner.keys.evaluated } }

  /// The FAQ's files, which no other page shows.
  static var faq: KeyRule { KeyRule(name: "faq") { planner, _ in planner.keys.faq } }
}

extension KeyRule where Item == Page {
  /// The free page's own file (`InputKeys.page(_:)`): its body is its page's alone.
  static var freePage: KeyRule { KeyRule(name: "freePage") { planner, page in planner.keys.page(page.location.file) } }
}

extension KeyRule where Item == PartnerItem {
  /// The partner's record and its cases' data (`InputKeys.partner(recordFile:cases:)`), made once for all its
  /// files (`PartnerItem.key`).
  static var partner: KeyRule { KeyRule(name: "partner") { _, item in item.key } }
}

extension KeyRule where Item == CaseItem {
  /// The case's whole file (its notes too) and its partner's record (`InputKeys.escalation`).
  static var escalation: KeyRule {
    KeyRule(name: "escalation") { planner, item in
      planner.keys.escalation(item.escalation, recordFile: item.recordFile)
    }
  }
}

extension KeyRule where Item == ListPageItem {
  /// The page's rows' partners with their keys, its number, and what every list page is keyed by
  /// (`JobPlanner.listKeyParts`: the number of pages and partners, the page size, the tiers in use).
  static var listPage: KeyRule { KeyRule(name: "listPage") { planner, item in planner.listPageKey(item) } }
}

extension KeyRule where Item == ActionsPageItem {
  /// The page's items with their partners' keys and its place among the pages (`JobPlanner.actionsKey`).
  static var actionsPage: KeyRule {
    KeyRule(name: "actionsPage") { planner, item in
      planner.actionsKey(page: item.number, partnerKeys: item.partnerKeys, below: item.below)
    }
  }
}

extension KeyRule where Item == [PDMPortfolio] {
  /// The PDMs' index: the numbers it shows of each portfolio (`SiteContext.pdmTallies`: its name and
  /// folder, its partners, its accreditations by status, its open cases and due items), made while
  /// planning, with the global key; an edit that changes none of them (a partner's name, region, tier…)
  /// does not render it.
  static var portfolios: KeyRule {
    KeyRule(name: "portfolios") { planner, portfolios in
      StableHash.combine(
        [planner.keys.global, StableHash.of("pdms")]
          + planner.site.pdmTallies(portfolios).flatMap { tally in
            [
              StableHash.of(tally.portfolio.name), StableHash.of(tally.portfolio.slug), UInt64(tally.partners),
              UInt64(tally.openCases), UInt64(tally.dueItems),
            ] + tally.statuses.map(UInt64.init)
          })
    }
  }
}

extension KeyRule where Item == PortfolioItem {
  /// The PDM's name and folder and their partners' keys, made once for the PDM's files (`PortfolioItem.key`).
  static var portfolio: KeyRule { KeyRule(name: "portfolio") { _, item in item.key } }
}

extension KeyRule where Item == SitemapItem {
  /// The pages the sitemap lists, made once for all its files (`SitemapItem.key`).
  static var sitemap: KeyRule { KeyRule(name: "sitemap") { _, item in item.key } }
}

/// A partner, for its files: its evaluation and the key of its pages.
struct PartnerItem: Sendable {
  let evaluation: PartnerEvaluation
  /// Its record's and cases' key (`InputKeys.partner(recordFile:cases:)`).
  let key: UInt64
}

/// A case, for its page: the case, its partner's evaluation and record file.
struct CaseItem: Sendable {
  let escalation: EscalationCase
  let evaluation: PartnerEvaluation
  let recordFile: String?
}

/// Page `number` (2 or more) of the partner list: `common` is what every list page is keyed by
/// (`JobPlanner.listKeyParts`), `partnerKey` a partner's key by slug.
struct ListPageItem: Sendable {
  let number: Int
  let common: [UInt64]
  let partnerKey: @Sendable (String) -> UInt64?
}

/// Page `number` of `actions/`, with the partners' keys by slug and the number of partners below the
/// eligible tiers (a tier review's row counts them).
struct ActionsPageItem: Sendable {
  let number: Int
  let partnerKeys: [String: UInt64]
  let below: Int
}

/// A PDM's portfolio, for its pages (page `number`) and its feed, with the key of its files.
struct PortfolioItem: Sendable {
  let portfolio: PDMPortfolio
  var number = 1
  let key: UInt64
}

/// A file of the sitemap: `sitemap.xml` (`number` nil) or part `number` of a split one, listing `paths`
/// (the pages, or the index's files); `key` is the whole sitemap's.
struct SitemapItem: Sendable {
  var number: Int? = nil
  let paths: [String]
  let key: UInt64
}

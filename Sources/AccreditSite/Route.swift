/// Every place in the site, in one table: the file each is written to, the way back to the site root
/// from it, and the link to it from any other place. Pages and feeds take their paths and links from
/// here; templates link through `{{root}}` and the links their models give.
enum Route: Equatable, Sendable {
  case home
  case standards
  case faq
  /// The program's trend: its charts and the first page of recent status changes.
  case history
  /// Page N (2 and up) of the recent status changes.
  case historyPage(Int)
  case page(slug: String)
  case partner(slug: String)
  /// Page N (2 and up) of the partner list; the first page is the overview.
  case partnerListPage(Int)
  case marks(partner: String)
  case escalation(partner: String, id: String)
  case badge(partner: String)
  /// A partner's own feed of status events.
  case partnerFeed(partner: String)
  case statusJSON
  /// The compact index of every partner that the list's filters use.
  case partnerIndex
  /// Every accreditation shown on the date, one row each, for spreadsheets.
  case accreditationsCSV
  /// Every accreditation's status changes and the program's last 24 months.
  case historyJSON
  /// One file of a split sitemap (1-based), listed by `sitemap.xml` when the site has too many pages for one.
  case sitemapPart(Int)
  /// The review board's agenda.
  case board
  /// What needs doing: the first page of the dated items.
  case actions
  /// Page N (2 and up) of what needs doing.
  case actionsPage(Int)
  /// Every PDM's portfolio.
  case pdms
  /// One PDM's portfolio, by the folder name `SiteContext.portfolios` gives.
  case pdm(slug: String)
  /// Page N (2 and up) of a PDM's portfolio.
  case pdmPage(slug: String, Int)
  /// A PDM's feed of what happened to their partners.
  case pdmFeed(slug: String)
  case feed
  case sitemap
  case notFound

  /// The path from the site root: a page's folder with a trailing slash (`partners/x/`, `""` for the
  /// overview), or a file (`api/status.json`).
  var path: String {
    switch self {
    case .home: ""
    case .standards: "standards/"
    case .faq: "faq/"
    case .history: "history/"
    case .historyPage(let number): "history/page/\(number)/"
    case .page(let slug): "pages/\(slug)/"
    case .partner(let slug): "partners/\(slug)/"
    case .partnerListPage(let number): "partners/page/\(number)/"
    case .marks(let partner): "partners/\(partner)/marks/"
    case .escalation(let partner, let id): "partners/\(partner)/cases/\(id)/"
    case .badge(let partner): "partners/\(partner)/badge.svg"
    case .partnerFeed(let partner): "partners/\(partner)/feed.xml"
    case .statusJSON: "api/status.json"
    case .partnerIndex: "api/partners.json"
    case .accreditationsCSV: "api/accreditations.csv"
    case .historyJSON: "api/history.json"
    case .sitemapPart(let number): "sitemaps/sitemap-\(number).xml"
    case .board: "board/"
    case .actions: "actions/"
    case .actionsPage(let number): "actions/page/\(number)/"
    case .pdms: "pdms/"
    case .pdm(let slug): "pdms/\(slug)/"
    case .pdmPage(let slug, let number): "pdms/\(slug)/page/\(number)/"
    case .pdmFeed(let slug): "pdms/\(slug)/feed.xml"
    case .feed: "feed.xml"
    case .sitemap: "sitemap.xml"
    case .notFound: "404.html"
    }
  }

  /// Whether the route is a page, written as its folder's `index.html`.
  var isPage: Bool { path.isEmpty || path.hasSuffix("/") }

  /// The file written, relative to the output folder.
  var file: String { isPage ? path + "index.html" : path }

  /// The folders from the site root to the route's file.
  private var folders: [Substring] {
    let parts = path.split(separator: "/")
    return isPage ? parts : Array(parts.dropLast())
  }

  /// The way from this route back to the site root: `""`, `"../"`, `"../../"`…, one for each `/` in the
  /// path (counted on bytes: this runs for every page of the site).
  var root: String { String(repeating: "../", count: path.utf8.count { $0 == UInt8(ascii: "/") }) }

  /// The shortest relative link from this route to `target`: up to the folders they share, then down
  /// (`cases/NW-1/` from a partner's page, `../` from its marks page back to it).
  func link(to target: Route) -> String {
    // A partner's page and its cases' pages link to each other from every case summary on both: with an
    // ASCII slug and a plain ASCII id, the link is known without making either path.
    switch (self, target) {
    case (.partner(let slug), .escalation(let partner, let id)) where slug == partner && Self.isPlain(slug, id):
      return "cases/" + id + "/"
    case (.escalation(let partner, let id), .partner(let slug)) where slug == partner && Self.isPlain(slug, id):
      return "../../"
    default:
      break
    }
    let fromPath = path
    let toPath = target.path
    // Every page links to others (a partner page to each of its cases): ASCII paths, all of them but
    // in content with other slugs, are cut on bytes; the same answer as the split below, without its
    // strings.
    if let link = Self.asciiLink(from: fromPath, to: toPath) { return link }
    let from = folders
    let to = target.folders
    let shared = zip(from, to).prefix { $0 == $1 }.count
    let down = to.dropFirst(shared).map { $0 + "/" }.joined()
    let leaf = target.isPage ? "" : String(toPath.split(separator: "/").last ?? "")
    return String(repeating: "../", count: from.count - shared) + down + leaf
  }

  /// `link(to:)` for two ASCII paths, on their bytes: the parts between slashes (empty ones skipped, as
  /// `split` does), the folders compared byte for byte; nil when either path holds another character. The
  /// link is written straight into its string: no list of parts, no scratch buffer (two links a case summary).
  private static func asciiLink(from: String, to: String) -> String? {
    var from = from
    var to = to
    return from.withUTF8 { fromBytes in
      to.withUTF8 { toBytes -> String? in
        guard fromBytes.allSatisfy({ $0 < 0x80 }), toBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let fromFolders = folderCount(fromBytes)
        let toIsPage = toBytes.isEmpty || toBytes.last == slash
        let toFolders = folderCount(toBytes)
        var fromCursor = 0
        var toCursor = 0
        var shared = 0
        while shared < min(fromFolders, toFolders), let fromPart = nextPart(fromBytes, &fromCursor),
          let toPart = nextPart(toBytes, &toCursor),
          UnsafeBufferPointer(rebasing: fromBytes[fromPart]).elementsEqual(
            UnsafeBufferPointer(rebasing: toBytes[toPart]))
        {
          shared += 1
        }
        // `toCursor` may have passed one part that differed: start again after the shared ones.
        toCursor = 0
        for _ in 0..<shared { _ = nextPart(toBytes, &toCursor) }
        let capacity = 3 * (fromFolders - shared) + toBytes.count + 1
        return String(unsafeUninitializedCapacity: capacity) { buffer in
          var count = 0
          func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            for byte in bytes {
              buffer[count] = byte
              count += 1
            }
          }
          for _ in shared..<fromFolders {
            for byte in "../".utf8 {
              buffer[count] = byte
              count += 1
            }
          }
          for _ in shared..<toFolders {
            guard let part = nextPart(toBytes, &toCursor) else { break }
            append(UnsafeBufferPointer(rebasing: toBytes[part]))
            buffer[count] = slash
            count += 1
          }
          if !toIsPage, let leaf = nextPart(toBytes, &toCursor) { append(UnsafeBufferPointer(rebasing: toBytes[leaf])) }
          return count
        }
      }
    }
  }

  private static let slash = UInt8(ascii: "/")

  /// Whether `slug` is ASCII and `id` one ASCII folder name (not empty, no slash): then the folders of a
  /// partner's page are those of its case's page less `cases/<id>/`, byte for byte and character for
  /// character.
  private static func isPlain(_ slug: String, _ id: String) -> Bool {
    !id.isEmpty && id.utf8.allSatisfy { $0 < 0x80 && $0 != slash } && slug.utf8.allSatisfy { $0 < 0x80 }
  }

  /// The next part of `bytes` from `cursor` (slashes skipped), moving `cursor` past it; nil after the last.
  private static func nextPart(_ bytes: UnsafeBufferPointer<UInt8>, _ cursor: inout Int) -> Range<Int>? {
    while cursor < bytes.count, bytes[cursor] == slash { cursor += 1 }
    guard cursor < bytes.count else { return nil }
    let start = cursor
    while cursor < bytes.count, bytes[cursor] != slash { cursor += 1 }
    return start..<cursor
  }

  /// How many folders a path names: its parts, less the file's name when it does not end with a slash.
  private static func folderCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var parts = 0
    var cursor = 0
    while nextPart(bytes, &cursor) != nil { parts += 1 }
    return bytes.isEmpty || bytes.last == slash ? parts : parts - 1
  }
}

import Hummingbird
import TurnLedger

// What the routes return: the library's values, encoded by the context's `responseEncoder`
// (arrays of them are `ResponseEncodable` through Hummingbird).
extension Entry: ResponseEncodable {}
extension EntryPage: ResponseEncodable {}
extension Session: ResponseEncodable {}
extension SessionPage: ResponseEncodable {}
extension Turn: ResponseEncodable {}
extension ToolResult: ResponseEncodable {}
extension UsageTotals: ResponseEncodable {}

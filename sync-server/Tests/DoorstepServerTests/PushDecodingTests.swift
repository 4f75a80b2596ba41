import DoorstepCore
import DoorstepWire
@testable import DoorstepServer
import DoorstepTestSupport
import Foundation
import Testing

/// The push path refuses what `JSONDecoder` refuses (`WireDifferentialTests` holds it to what it reads).
@Suite("Push body decoding")
struct PushDecodingTests {
    @Test(arguments: [
        #"{"device":"d","operations":[1]}"#,
        #"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"visit","stamp":"0001763910853000-0000-d","device":"d","payload":{"visit":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","campaign":"c","address":"a","outcome":"moved-out","at":"x"}}]}"#,
        #"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"response.create","stamp":"0001763910853000-0000-d","device":"d","payload":{"response":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","campaign":"c","address":"a","form":"f","form_version":"1","recorded_at":"x","answers":{"q":true}}}]}"#,
        // A coordinate of the wrong type beside a full pair of the other kind
        #"{"device":"d","operations":[{"id":"7C9F3F40-2D6B-4C61-9D0C-6A9A5E4D2C11","type":"address.add","stamp":"0001763910853000-0000-d","device":"d","payload":{"campaign":"c","door":{"id":"n1","address":"1 Acre St","latitude":0,"longitude":0,"easting":0,"northing":{}}}}]}"#,
        #"{"device":"d","operations":[]} trailing"#,
        #"{"device":"d\u12"}"#,
        #"["#,
    ])
    func refusesWhatJSONDecoderRefuses(body: String) {
        let data = Data(body.utf8)
        #expect((try? JSONDecoder().decode(PushRequest.self, from: data)) == nil)
        #expect(throws: APIError.self) {
            try PushRequest.read(body: Array(data))
        }
    }

    @Test func deepNestingIsRefused() {
        let body = #"{"device":"d","operations":"# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(throws: APIError.self) {
            try PushRequest.read(body: Array(body.utf8))
        }
    }
}

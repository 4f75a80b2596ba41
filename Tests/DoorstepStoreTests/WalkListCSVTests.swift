import DoorstepCore
import Foundation
import Testing

@Suite("Walk-list CSV")
struct WalkListCSVTests {
    @Test func readsQuotedFieldsOptionalColumnsAndNotes() throws {
        let text = "\u{FEFF}ID,Address,Postcode,street,Area,UPRN,Access notes\r\n"
            + "a1,\"Flat 2, 14 Oak Street\",LS1 1AA,Oak Street,West End,100012,\"Dog; use \"\"side\"\" gate\"\r\n"
            + "\r\n"
            + "a2,\"3 Elm Road\nrear entrance\",,Elm Road,,,\n"
        let addresses = try WalkListCSV.parse(text)
        #expect(addresses == [
            WalkListAddress(
                id: "a1", address: "Flat 2, 14 Oak Street", postcode: "LS1 1AA", street: "Oak Street", area: "West End",
                uprn: "100012", notes: ["Access notes": "Dog; use \"side\" gate"]
            ),
            WalkListAddress(id: "a2", address: "3 Elm Road\nrear entrance", street: "Elm Road"),
        ])
    }

    @Test func aMinimalListNeedsOnlyIdAndAddress() throws {
        #expect(try WalkListCSV.parse("address,id\n1 Oak St,x") == [WalkListAddress(id: "x", address: "1 Oak St")])
    }

    @Test(arguments: [
        ("", ["line 1: The file is empty; a header row with id and address is required."]),
        ("id,postcode\na1,LS1", ["line 1: The header has no \"address\" column."]),
        ("id,address,id\n", ["line 1: The header names column \"id\" twice."]),
        ("id,address\n", ["line 1: The walk list has a header but no addresses."]),
        ("id,address\na1,1 Oak\na1,2 Oak\n,3 Oak\na4,\na5,5 Oak,extra",
         ["line 3: The id \"a1\" was already used on line 2.", "line 4: The row has no id.",
          "line 5: The row with id \"a4\" has no address.", "line 6: The row has 3 fields; the header has 2."]),
        ("id,address\na1,\"1 Oak\n\na2,2 Oak", ["line 2: A quoted field is never closed."]),
        ("id,address\na1,\"1 Oak\"x", ["line 2: A quoted field is followed by text before the next comma."]),
        ("id,address\na1,1 \"Oak\"", ["line 2: A quote appears inside an unquoted field; quote the whole field and double the quote."]),
    ])
    func badListsNameTheLineAndTheReason(text: String, expected: [String]) {
        #expect(throws: WalkListError.self) { try WalkListCSV.parse(text) }
        do {
            _ = try WalkListCSV.parse(text)
        } catch {
            #expect(error.problems.map(\.description) == expected)
        }
    }

    @Test func readsWhereDoorsAreInDegreesOrOnTheGrid() throws {
        let degrees = try WalkListCSV.parse("id,address,Lat,LNG\na1,1 Oak,54.5741, -1.2350\na2,2 Oak,,\n")
        #expect(degrees.map(\.location) == [.degrees(latitude: 54.5741, longitude: -1.235), nil])
        #expect(degrees[0].notes.isEmpty, "the location columns are not notes")
        let grid = try WalkListCSV.parse("id,address,easting,northing\na1,1 Oak,449300,520607\n")
        #expect(grid[0].location == .grid(easting: 449_300, northing: 520_607))
        // What the server sends and devices read back keeps the location.
        let json = try JSONEncoder().encode(grid + degrees)
        #expect(try JSONDecoder().decode([WalkListAddress].self, from: json) == grid + degrees)
    }

    @Test(arguments: [
        ("id,address,lat,lon\na1,1 Oak,54.5,\n", ["line 2: The row gives a latitude but no longitude; give both."]),
        ("id,address,easting,northing\na1,1 Oak,,520607\n", ["line 2: The row gives a northing but no easting; give both."]),
        ("id,address,lat,lon\na1,1 Oak,north,-1.2\n", ["line 2: The latitude \"north\" is not a number."]),
        ("id,address,lat,lon\na1,1 Oak,95,-1.2\n", ["line 2: The latitude 95 is outside -90 to 90 degrees."]),
        ("id,address,easting,northing\na1,1 Oak,800000,520607\n", ["line 2: The easting 800000 is outside 0 to 700000 metres."]),
        ("id,address,lat,lon,easting,northing\na1,1 Oak,54.5,-1.2,449300,520607\n",
         ["line 2: The row gives both lat/lon and easting/northing; give one of them."]),
        ("id,address,lat,lon,easting,northing\na1,1 Oak,54.5,-1.2,,\na2,2 Oak,,,449300,520607\n",
         ["line 3: The row gives easting/northing but line 2 gives lat/lon; use one system for the whole walk list."]),
        ("id,address,lat,latitude\n", ["line 1: The header names the latitude twice (lat, latitude); keep one column."]),
    ])
    func badLocationsNameTheLineAndTheReason(text: String, expected: [String]) {
        do {
            _ = try WalkListCSV.parse(text)
            Issue.record("\(text) was read")
        } catch {
            #expect(error.problems.map(\.description) == expected)
        }
    }
}

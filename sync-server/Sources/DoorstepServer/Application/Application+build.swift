import DoorstepCore
import Foundation
public import Hummingbird
import HummingbirdCore
import Logging

/// Builds the server application over a data directory, opening (and migrating) its database.
///
/// - Parameter configuration: Where to listen and which data directory to serve.
/// - Throws: When the database cannot be opened.
public func buildApplication(configuration: ServerConfiguration) throws -> some ApplicationProtocol {
    let database = try ServerDatabase(directory: configuration.dataDirectory)
    return buildApplication(configuration: configuration, database: database)
}

/// Builds the server application over an open database; tests and `serve` share it.
///
/// Every connection's HTTP/1.1 pipeline gets an ``HTTPExchangeHandler`` (`100 Continue`, JSON
/// answers to malformed requests, `Connection: close`). Once listening, the application prints
/// its URL (`http://HOST:PORT`) as the first line on stdout.
public func buildApplication(
    configuration: ServerConfiguration, database: ServerDatabase
) -> some ApplicationProtocol {
    var logger = Logger(label: "doorstep-server")
    logger.logLevel = configuration.logLevel
    let router = buildRouter(configuration: configuration, database: database)
    let host = configuration.host
    let connectionLogger = logger
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [HTTPExchangeHandler(logger: connectionLogger)])),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "doorstep-server"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let shownHost = host.contains(":") ? "[\(host)]" : host
            FileHandle.standardOutput.write(Data("http://\(shownHost):\(port)\n".utf8))
        },
        logger: logger
    )
}

/// The routes: `/healthz`, then every `/v1` route behind the token middleware; before any route,
/// the request log, the JSON errors and the body checks of ``RequestBodyMiddleware``.
public func buildRouter(configuration: ServerConfiguration, database: ServerDatabase) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: RequestBodyMiddleware())
    router.get("healthz") { _, _ in
        Response.json(["status": "ok"])
    }
    let v1 = router.group("v1").add(middleware: TokenAuthMiddleware(database: database))
    SyncController(database: database, configuration: configuration).addRoutes(to: v1)
    ReportingController(database: database).addRoutes(to: v1, signedLinks: router)
    return router
}

import DoorstepCore
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

/// Builds the server application over its store, opening (and migrating) its database.
///
/// - Parameter configuration: Where to listen and which store to serve.
/// - Throws: When the database cannot be opened.
public func buildApplication(configuration: ServerConfiguration) throws -> some ApplicationProtocol {
    let database = try ServerDatabase(location: configuration.store)
    return try buildApplication(configuration: configuration, database: database)
}

/// Builds the server application over an open database; tests and `serve` share it.
///
/// Every connection's HTTP/1.1 pipeline gets an ``HTTPExchangeHandler`` (`100 Continue`, JSON
/// answers to malformed requests, `Connection: close`, the timeouts and the connection cap of
/// ``ServerConfiguration/connections``), behind TLS when ``ServerConfiguration/tls`` is set, so
/// the same limits hold over both. Once listening, the application prints its URL
/// (`http://HOST:PORT`, or `https://` over TLS) as the first line on stdout.
///
/// With ``ServerConfiguration/metricsPort``, the database records into a new ``ServerMetrics``
/// and a second listener on 127.0.0.1 serves them at `/metrics`, running and stopping with the
/// application.
///
/// - Parameters:
///   - configuration: Where to listen, over TLS or not, and the limits.
///   - database: The open store to serve.
/// - Throws: When the TLS settings cannot wrap the HTTP/1.1 pipeline.
public func buildApplication(
    configuration: ServerConfiguration, database: ServerDatabase
) throws -> some ApplicationProtocol {
    var logger = Logger(label: "doorstep-server")
    logger.logLevel = configuration.logLevel
    var database = database
    database.metrics = configuration.metricsPort.map { _ in ServerMetrics() }
    let router = buildRouter(configuration: configuration, database: database)
    let host = configuration.host
    let connectionLogger = logger
    let limits = configuration.connections
    let connections = ConnectionCounter()
    let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [
        HTTPExchangeHandler(logger: connectionLogger, limits: limits, connections: connections),
    ]))
    let scheme = configuration.tls == nil ? "http" : "https"
    var app = Application(
        router: router,
        server: try configuration.tls.map { try .tls(http1, tlsConfiguration: $0.configuration) } ?? http1,
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "doorstep-server"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let shownHost = host.contains(":") ? "[\(host)]" : host
            FileHandle.standardOutput.write(Data("\(scheme)://\(shownHost):\(port)\n".utf8))
        },
        logger: logger
    )
    if let port = configuration.metricsPort, let metrics = database.metrics {
        app.addServices(buildMetricsApplication(
            port: port, metrics: metrics, database: database, connections: connections, logger: logger
        ))
    }
    return app
}

/// The routes: `/healthz` (``HealthCheck``) and `/openapi.yaml` (``OpenAPIDescription``), then every `/v1` route behind the token middleware
/// and the token's quota (``QuotaMiddleware``); before any route, the request log (and the
/// request metrics, when the database records into ``ServerDatabase/metrics``), the JSON errors,
/// the body checks of ``RequestBodyMiddleware`` and the decoding of path parameters; after every
/// route, the 405 of ``MethodNotAllowedMiddleware`` for a served path asked with another method.
public func buildRouter(configuration: ServerConfiguration, database: ServerDatabase) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: database.metrics))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: RequestBodyMiddleware())
    router.add(middleware: PathParametersMiddleware())
    router.get("healthz", use: HealthCheck(database: database, minimumFreeBytes: configuration.minimumFreeBytes).respond)
    router.get("openapi.yaml", use: OpenAPIDescription.respond)
    let v1 = router.group("v1")
        .add(middleware: TokenAuthMiddleware(database: database))
        .add(middleware: QuotaMiddleware(quota: RequestQuota(limits: configuration.quota)))
    SyncController(database: database, configuration: configuration).addRoutes(to: v1)
    ReportingController(database: database).addRoutes(to: v1, signedLinks: router)
    // After every route, so that it stands in front of the not-found answer alone.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

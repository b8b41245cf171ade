/// The OpenAPI 3.1 document of the service (`Resources/openapi.json`), served at `/openapi.json`.
/// Keep it in step with ``LedgerAPI/routes``: a test checks each route against it.
public enum OpenAPIDocument {
    public static let json: [UInt8] = PackageResources.openapi_json
}

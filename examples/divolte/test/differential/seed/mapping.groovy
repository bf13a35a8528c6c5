mapping {
    map timestamp() onto 'timestamp'
    map remoteHost() onto 'remoteHost'
    map eventType() onto 'eventType'
    map location() onto 'location'

    def locationUri = parse location() to uri
    map locationUri.path() onto 'path'

    map firstInSession() onto 'firstInSession'
    map referer() onto 'referrer'
    map sessionId() onto 'sessionId'
    map userAgentString() onto 'userAgentString'
    map userAgent().name() onto 'browser'
}

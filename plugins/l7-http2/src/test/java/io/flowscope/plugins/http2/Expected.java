package io.flowscope.plugins.http2;

import java.util.List;

/** Expected messages of the {@link WrittenSessions}, checked by hand against their bytes. */
final class Expected {

    private Expected() {
    }

    static final List<String> CONCURRENT = List.of(
            "REQUEST stream=3 GET /item/1?q=1 UNKNOWN bytes=23 version=2 domain=api.example endpoint=/item/1 t=+0..+0",
            "REQUEST stream=7 GET /item/3?q=3 UNKNOWN bytes=32 version=2 domain=api.example endpoint=/item/3 t=+0..+0",
            "REQUEST stream=11 GET /item/5?q=5 UNKNOWN bytes=23 version=2 domain=api.example endpoint=/item/5 t=+0..+0",
            "REQUEST stream=15 GET /item/7?q=7 UNKNOWN bytes=23 version=2 domain=api.example endpoint=/item/7 t=+0..+0",
            "REQUEST stream=19 GET /item/9?q=9 UNKNOWN bytes=23 version=2 domain=api.example endpoint=/item/9 t=+0..+0",
            "REQUEST stream=23 GET /item/11?q=11 UNKNOWN bytes=24 version=2 domain=api.example endpoint=/item/11 t=+0..+0",
            "REQUEST stream=27 GET /item/13?q=13 UNKNOWN bytes=33 version=2 domain=api.example endpoint=/item/13 t=+0..+0",
            "REQUEST stream=31 GET /item/15?q=15 UNKNOWN bytes=24 version=2 domain=api.example endpoint=/item/15 t=+0..+0",
            "REQUEST stream=35 GET /item/17?q=17 UNKNOWN bytes=24 version=2 domain=api.example endpoint=/item/17 t=+0..+0",
            "REQUEST stream=39 GET /item/19?q=19 UNKNOWN bytes=24 version=2 domain=api.example endpoint=/item/19 t=+0..+0",
            "REQUEST stream=1 POST /item/0?q=0 UNKNOWN bytes=63 version=2 domain=api.example endpoint=/item/0 t=+0..+2000",
            "REQUEST stream=5 POST /item/2?q=2 UNKNOWN bytes=54 version=2 domain=api.example endpoint=/item/2 t=+0..+2000",
            "REQUEST stream=9 POST /item/4?q=4 UNKNOWN bytes=54 version=2 domain=api.example endpoint=/item/4 t=+0..+2000",
            "REQUEST stream=13 POST /item/6?q=6 UNKNOWN bytes=63 version=2 domain=api.example endpoint=/item/6 t=+0..+2000",
            "REQUEST stream=17 POST /item/8?q=8 UNKNOWN bytes=63 version=2 domain=api.example endpoint=/item/8 t=+0..+2000",
            "REQUEST stream=21 POST /item/10?q=10 UNKNOWN bytes=56 version=2 domain=api.example endpoint=/item/10 t=+0..+2000",
            "REQUEST stream=25 POST /item/12?q=12 UNKNOWN bytes=56 version=2 domain=api.example endpoint=/item/12 t=+0..+2000",
            "REQUEST stream=29 POST /item/14?q=14 UNKNOWN bytes=56 version=2 domain=api.example endpoint=/item/14 t=+0..+2000",
            "REQUEST stream=33 POST /item/16?q=16 UNKNOWN bytes=56 version=2 domain=api.example endpoint=/item/16 t=+0..+2000",
            "REQUEST stream=37 POST /item/18?q=18 UNKNOWN bytes=65 version=2 domain=api.example endpoint=/item/18 t=+0..+2000",
            "RESPONSE stream=1 404 CLIENT_ERROR bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=3 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=5 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=7 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=9 404 CLIENT_ERROR bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=11 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=13 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=15 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=17 404 CLIENT_ERROR bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=19 200 OK bytes=28 version=2 t=+1000..+3000",
            "RESPONSE stream=21 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=23 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=25 404 CLIENT_ERROR bytes=30 version=2 t=+1000..+3000",
            "RESPONSE stream=27 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=29 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=31 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=33 404 CLIENT_ERROR bytes=30 version=2 t=+1000..+3000",
            "RESPONSE stream=35 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=37 200 OK bytes=29 version=2 t=+1000..+3000",
            "RESPONSE stream=39 200 OK bytes=29 version=2 t=+1000..+3000"
    );

    static final List<String> RESETS = List.of(
            "REQUEST stream=1 GET / UNKNOWN bytes=95 version=2 domain=h endpoint=/ trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7 t=+0..+0",
            "REQUEST stream=3 GET /slow UNKNOWN bytes=19 version=2 domain=h endpoint=/slow t=+0..+0",
            "REQUEST stream=5 GET /refused UNKNOWN bytes=22 version=2 domain=h endpoint=/refused t=+0..+0",
            "REQUEST stream=7 GET /late UNKNOWN bytes=19 version=2 domain=h endpoint=/late t=+0..+0",
            "RESPONSE stream=1 200 OK bytes=21 version=2 t=+1000..+1000",
            "RESPONSE stream=5 SERVER_ERROR bytes=0 version=2 exception=REFUSED_STREAM t=+1000..+1000",
            "RESPONSE stream=3 CLIENT_ERROR bytes=0 version=2 exception=CANCEL t=+2000..+2000",
            "RESPONSE stream=7 SERVER_ERROR bytes=0 version=2 exception=GOAWAY\\sREFUSED_STREAM t=+3000..+3000"
    );

    static final List<String> JOINED_LATE = List.of(
            "REQUEST stream=41 GET /seen UNKNOWN bytes=96 version=2 endpoint=/seen trace=463ac35c9f6413ad48485a3953bb6124 span=a2fb4a1d1a96d312 attrs={hpack_unknown_fields=1} t=+0..+0",
            "RESPONSE stream=41 200 OK bytes=21 version=2 attrs={hpack_unknown_fields=1} t=+1000..+1000",
            "REQUEST stream=43 /next UNKNOWN bytes=33 version=2 domain=known.example endpoint=/next attrs={hpack_unknown_fields=1} t=+2000..+2000",
            "RESPONSE stream=43 404 CLIENT_ERROR bytes=10 version=2 t=+3000..+3000"
    );

    static final List<String> GRPC = List.of(
            "REQUEST stream=1 POST /helloworld.Greeter/SayHello UNKNOWN bytes=179 version=2 domain=grpc.example:50051 endpoint=/helloworld.Greeter/SayHello trace=4bf92f3577b34da6a3ce929d0e0e4736 span=segment1-3 attrs={grpc_request_messages=1} t=+0..+0",
            "REQUEST stream=3 POST /routeguide.RouteGuide/ListFeatures UNKNOWN bytes=146 version=2 domain=grpc.example:50051 endpoint=/routeguide.RouteGuide/ListFeatures trace=80f198ee56343ba864fe8b2a57d3eff7 span=e457b5a2e4d86bd1 attrs={grpc_request_messages=1} t=+0..+0",
            "RESPONSE stream=1 0 OK bytes=76 version=2 attrs={grpc_response_messages=1} t=+1000..+1000",
            "REQUEST stream=5 POST /routeguide.RouteGuide/RecordRoute UNKNOWN bytes=111 version=2 domain=grpc.example:50051 endpoint=/routeguide.RouteGuide/RecordRoute attrs={grpc_request_messages=2} t=+2000..+2000",
            "REQUEST stream=7 POST /helloworld.Greeter/Missing UNKNOWN bytes=88 version=2 domain=grpc.example:50051 endpoint=/helloworld.Greeter/Missing attrs={grpc_request_messages=1} t=+2000..+2000",
            "REQUEST stream=9 POST /helloworld.Greeter/Nope UNKNOWN bytes=71 version=2 domain=grpc.example:50051 endpoint=/helloworld.Greeter/Nope attrs={grpc_request_messages=0} t=+2000..+2000",
            "RESPONSE stream=3 0 OK bytes=101 version=2 attrs={grpc_response_messages=3} t=+1000..+3000",
            "RESPONSE stream=5 0 OK bytes=69 version=2 attrs={grpc_response_messages=1} t=+3000..+3000",
            "RESPONSE stream=7 5 CLIENT_ERROR bytes=84 version=2 exception=no\\ssuch\\sgreeting attrs={grpc_response_messages=0} t=+3000..+3000",
            "RESPONSE stream=9 12 SERVER_ERROR bytes=45 version=2 exception=UNIMPLEMENTED attrs={grpc_response_messages=0} t=+3000..+3000"
    );


    /** Stream 1's request is the upgraded HTTP/1.1 one (its fields and times, no bytes of its own). */
    static final List<String> UPGRADED = List.of(
            "REQUEST stream=1 GET /index.html?x=1 UNKNOWN bytes=0 version=2 domain=127.0.0.1:8080 endpoint=/index.html t=+0..+0",
            "RESPONSE stream=1 200 OK bytes=57 version=2 t=+0..+0",
            "REQUEST stream=3 GET /missing UNKNOWN bytes=37 version=2 domain=127.0.0.1:8080 endpoint=/missing t=+1000..+1000",
            // indexed 62 is the server's "server: Jetty(12.1.10)" of stream 1: its table was followed from the start
            "RESPONSE stream=3 404 CLIENT_ERROR bytes=11 version=2 t=+2000..+2000");
}

import socket, time, threading
PORT=6390
def short():
    s=socket.create_connection(("127.0.0.1",PORT)); s.sendall(b"PING\r\n"); s.recv(100); s.sendall(b"SET k v\r\n"); s.recv(100); s.close()
def refused():
    try:
        socket.create_connection(("127.0.0.1",6391)).close()
    except OSError: pass
def longlived(stop):
    s=socket.create_connection(("127.0.0.1",PORT))
    while time.time()<stop:
        s.sendall(b"GET k\r\n"); s.recv(100); time.sleep(0.3)
    s.close()
stop=time.time()+6
t=threading.Thread(target=longlived,args=(stop,)); t.start()
i=0
while time.time()<stop:
    short(); i+=1
    if i%5==0: refused()
    time.sleep(0.2)
t.join()

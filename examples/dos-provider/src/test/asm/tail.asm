; TAIL.COM: writes its command tail (PSP:0080h: length, then the characters) to standard output (AH=40h).
        org 100h
        xor cx, cx
        mov cl, [80h]
        mov dx, 81h
        mov bx, 1
        mov ah, 40h
        int 21h
        mov dx, crlf
        mov cx, 2
        mov ah, 40h
        int 21h
        ret
crlf    db 13, 10

; HI.COM: the classic: print a line with int 21h AH=09h and exit with AH=4Ch.
        org 100h
        mov dx, msg
        mov ah, 09h
        int 21h
        mov ax, 4C00h
        int 21h
msg     db "Hello from DOS!", 13, 10, "$"
